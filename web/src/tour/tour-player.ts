/**
 * The tour's playback state machine, without DOM: which stop is current, whether the tour plays,
 * and the dwell timer. Moving to a stop flies the camera (through `host.fly`); on arrival the
 * player dwells `dwellS` seconds and moves on while playing. Any flight can be interrupted (the
 * user touches the map, presses a button, opens a deep link): a newer move cancels the older one
 * by token, and an interrupted flight pauses the tour.
 */
import type { TourStop } from './tours.service.ts';

/** What the player needs from its page. */
export interface PlayerHost {
  /** Fly to `stop`; resolves true on arrival, false when interrupted. `animate: false` jumps. */
  fly(stop: TourStop, animate: boolean): Promise<boolean>;
  /** State changed (current stop, playing, arrival). */
  changed(): void;
  /** The camera arrived at `stop` (not called for interrupted flights). */
  arrived(stop: TourStop): void;
}

/** A snapshot of the player. */
export interface PlayerState {
  index: number;
  stopId: number | null;
  playing: boolean;
  /** The camera is at the current stop (not flying). */
  atStop: boolean;
  /** 0..1 of the current stop's dwell elapsed. */
  dwell: number;
}

/** Plays a list of stops. */
export class TourPlayer {
  private index = -1;
  private playing = false;
  private atStop = false;
  private token = 0;
  private timer = 0;
  /** Dwell already spent at the current stop (ms, at speed 1) and when the running part started. */
  private dwellSpentMs = 0;
  private dwellStartedAt = 0;
  /** Playback speed: dwell and flights are this many times faster. */
  speed = 1;

  constructor(
    private stops: TourStop[],
    private readonly host: PlayerHost,
  ) {}

  /** Replace the stops (after an edit), keeping the current stop by id when it still exists. */
  setStops(stops: TourStop[]): void {
    const current = this.current()?.id;
    this.stops = stops;
    const i = stops.findIndex((s) => s.id === current);
    this.index = i >= 0 ? i : Math.min(this.index, stops.length - 1);
    this.host.changed();
  }

  current(): TourStop | null {
    return this.stops[this.index] ?? null;
  }

  state(): PlayerState {
    return { index: this.index, stopId: this.current()?.id ?? null, playing: this.playing, atStop: this.atStop, dwell: this.dwellFraction() };
  }

  /** Start or resume: from the first stop when none is current or the tour has ended. */
  play(): void {
    if (!this.stops.length) return;
    this.playing = true;
    if (this.index < 0 || (this.index === this.stops.length - 1 && this.atStop && this.dwellFraction() >= 1)) {
      void this.goTo(0);
      return;
    }
    if (this.atStop) this.startDwell();
    else void this.goTo(this.index);
    this.host.changed();
  }

  /** Pause: the dwell timer stops (and resumes where it was); a flight in progress completes. */
  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.stopDwell();
    this.host.changed();
  }

  /** The user took over the map: pause and forget the flight. */
  interrupt(): void {
    this.token++;
    this.pause();
  }

  next(): Promise<void> {
    return this.goTo(Math.min(this.index + 1, this.stops.length - 1));
  }

  prev(): Promise<void> {
    return this.goTo(Math.max(this.index - 1, 0));
  }

  /** Go to the stop with id `stopId`; false when there is none. */
  goToStop(stopId: number, animate = true): boolean {
    const i = this.stops.findIndex((s) => s.id === stopId);
    if (i < 0) return false;
    void this.goTo(i, animate);
    return true;
  }

  /** Move to stop `index`; resolves when the flight ends (arrived or interrupted). */
  async goTo(index: number, animate = true): Promise<void> {
    const stop = this.stops[index];
    if (!stop) return;
    const token = ++this.token;
    this.stopDwell();
    this.index = index;
    this.atStop = false;
    this.dwellSpentMs = 0;
    this.host.changed();
    const arrived = await this.host.fly(stop, animate);
    if (token !== this.token) return;
    if (!arrived) {
      this.pause();
      return;
    }
    this.atStop = true;
    this.host.arrived(stop);
    if (this.playing) this.startDwell();
    this.host.changed();
  }

  private dwellMs(): number {
    return (this.current()?.dwellS ?? 0) * 1000;
  }

  private dwellFraction(): number {
    if (!this.atStop) return 0;
    const running = this.timer ? (performance.now() - this.dwellStartedAt) * this.speed : 0;
    return Math.min(1, (this.dwellSpentMs + running) / Math.max(1, this.dwellMs()));
  }

  private startDwell(): void {
    this.stopDwell();
    const remaining = Math.max(0, this.dwellMs() - this.dwellSpentMs) / this.speed;
    this.dwellStartedAt = performance.now();
    const token = this.token;
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      this.dwellSpentMs = this.dwellMs();
      if (token !== this.token || !this.playing) return;
      if (this.index < this.stops.length - 1) void this.goTo(this.index + 1);
      else {
        this.playing = false;
        this.host.changed();
      }
    }, remaining);
  }

  private stopDwell(): void {
    if (!this.timer) return;
    window.clearTimeout(this.timer);
    this.timer = 0;
    this.dwellSpentMs += (performance.now() - this.dwellStartedAt) * this.speed;
  }
}
