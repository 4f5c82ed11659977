/**
 * The drop zone (`#file-drop`): files or whole folders dragged in (folders walked through
 * `DataTransfer.items` → `webkitGetAsEntry`), a file picker (`#file-input`) and a folder picker
 * (`#folder-input`, `webkitdirectory`), and the chosen files listed with their sizes.
 * Files keep their path inside a dropped folder as their name, so a shapefile's .shp/.dbf/.prj
 * stay together and messages name the path.
 */
import { h } from '../shared/dom.util.ts';
import { t } from '../shared/i18n.service.ts';
import type { UploadFile } from './imports.service.ts';
import { formatBytes } from './upload-format.util.ts';

/** System files that file managers leave in folders; never survey data. */
const IGNORED = /(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini|__MACOSX\/.*|\._[^/]*)$/i;

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call; keep calling until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () => reader.readEntries((batch) => {
      if (!batch.length) return resolve(all);
      all.push(...batch);
      next();
    }, reject);
    next();
  });
}

async function filesOfEntry(entry: FileSystemEntry, prefix: string): Promise<UploadFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, name: prefix + file.name }];
  }
  if (entry.isDirectory) {
    const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    const nested = await Promise.all(children.map((c) => filesOfEntry(c, `${prefix}${entry.name}/`)));
    return nested.flat();
  }
  return [];
}

/** Files of a drop: folders are walked when the browser exposes entries, plain files otherwise. */
async function filesOfDrop(dt: DataTransfer): Promise<UploadFile[]> {
  const entries = [...dt.items]
    .filter((i) => i.kind === 'file')
    .map((i) => i.webkitGetAsEntry?.() ?? null);
  if (entries.length && entries.every((e) => e !== null)) {
    return (await Promise.all(entries.map((e) => filesOfEntry(e!, '')))).flat();
  }
  return [...dt.files].map((file) => ({ file, name: file.name }));
}

function filesOfInput(input: HTMLInputElement): UploadFile[] {
  return [...(input.files ?? [])].map((file) => ({ file, name: file.webkitRelativePath || file.name }));
}

/** The drop zone and the list of chosen files. */
export class FileDropComponent {
  readonly element: HTMLElement;
  private files: UploadFile[] = [];
  private disabled = false;

  constructor(private readonly onChange: (files: UploadFile[]) => void) {
    this.element = h('div', { class: 'file-drop-wrap' });
  }

  /** The chosen files, in the order they were added. */
  get value(): UploadFile[] {
    return this.files;
  }

  /** Forget every chosen file. */
  clear(): void {
    this.files = [];
    this.render();
    this.onChange(this.files);
  }

  /** Lock the zone while an upload runs. */
  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
    this.render();
  }

  private add(added: UploadFile[]): void {
    const seen = new Set(this.files.map((f) => `${f.name}\u0000${f.file.size}`));
    for (const f of added) {
      const key = `${f.name}\u0000${f.file.size}`;
      if (IGNORED.test(f.name) || seen.has(key)) continue;
      seen.add(key);
      this.files.push(f);
    }
    this.render();
    this.onChange(this.files);
  }

  private remove(index: number): void {
    this.files.splice(index, 1);
    this.render();
    this.onChange(this.files);
  }

  /** Redraw (also after a language switch). */
  render(): void {
    const fileInput = h('input', {
      id: 'file-input', type: 'file', multiple: true, class: 'visually-hidden', tabindex: '-1', disabled: this.disabled,
      onchange: () => { this.add(filesOfInput(fileInput)); fileInput.value = ''; },
    });
    const folderInput = h('input', {
      id: 'folder-input', type: 'file', multiple: true, webkitdirectory: true, class: 'visually-hidden', tabindex: '-1', disabled: this.disabled,
      onchange: () => { this.add(filesOfInput(folderInput)); folderInput.value = ''; },
    });
    const zone = h('div', { id: 'file-drop', class: 'file-drop', 'aria-disabled': String(this.disabled) },
      h('div', { class: 'file-drop-icon', 'aria-hidden': 'true' }, '⇪'),
      h('strong', {}, t('uploadDropTitle')),
      h('span', { class: 'muted file-drop-formats' }, t('uploadDropFormats')),
      h('div', { class: 'file-drop-buttons' },
        h('button', { type: 'button', class: 'secondary-button', disabled: this.disabled, onclick: () => fileInput.click() }, t('uploadChooseFiles')),
        h('button', { type: 'button', class: 'secondary-button', disabled: this.disabled, onclick: () => folderInput.click() }, t('uploadChooseFolder'))),
      fileInput, folderInput);
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = this.disabled ? 'none' : 'copy';
      if (!this.disabled) zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', (e) => {
      if (!zone.contains(e.relatedTarget as Node | null)) zone.classList.remove('dragging');
    });
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('dragging');
      if (this.disabled || !e.dataTransfer) return;
      void filesOfDrop(e.dataTransfer).then((files) => this.add(files));
    });

    const total = this.files.reduce((s, f) => s + f.file.size, 0);
    const list = this.files.length
      ? h('div', { class: 'file-list' },
        h('div', { class: 'file-list-head' },
          h('span', { id: 'file-count' }, t('uploadFilesCount', { n: this.files.length, size: formatBytes(total) })),
          h('button', { type: 'button', class: 'text-button small', disabled: this.disabled, onclick: () => this.clear() }, t('uploadClearFiles'))),
        h('ul', { id: 'file-list' }, this.files.map((f, i) => h('li', {},
          h('span', { class: 'file-name', title: f.name }, f.name),
          h('span', { class: 'file-size' }, formatBytes(f.file.size)),
          h('button', {
            type: 'button', class: 'remove-button', title: t('uploadRemoveFile'), 'aria-label': `${t('uploadRemoveFile')} ${f.name}`,
            disabled: this.disabled, onclick: () => this.remove(i),
          }, '×')))))
      : null;
    this.element.replaceChildren(zone, list ?? '');
  }
}
