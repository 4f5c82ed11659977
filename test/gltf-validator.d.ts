/** Types of Khronos' glTF validator (the npm package ships none), as far as the tests use it. */
declare module 'gltf-validator' {
  interface ValidatorReport {
    issues: { numErrors: number; numWarnings: number; numInfos: number; messages: { code: string; message: string; severity: number; pointer?: string }[] };
  }
  const validator: {
    validateBytes(data: Uint8Array, options?: { uri?: string; maxIssues?: number }): Promise<ValidatorReport>;
    version(): string;
  };
  export default validator;
}
