/**
 * Image hosts that are down, as the web pages see them. The gallery asks
 * for hundreds of images at once: with the host answering 502, each one
 * waited for its own failed download (retries included) and logged its own
 * warning, so one page view took 90 s and pushed every other warning out
 * of the console's log panel. A host that failed is not asked again for a
 * minute (its other images fail at once), and its failures are one log line
 * per minute, with how many images failed since the last one.
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { DownloadError } from "../net/download.ts";

/** How long a host that failed is left alone, and how often its failures are logged. */
export const HOST_PAUSE_MS = 60_000;

interface HostState {
  /** Set while the host is left alone: until when, and the failure that started the pause. */
  down?: { until: number; error: Error };
  /** When a failure of this host was last logged. */
  loggedAt?: number;
  /** Images of this host that failed since that line. */
  unlogged: number;
}

export class FailingHosts {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The error to fail `url` with at once, without a download, while its host is paused; undefined otherwise. */
  refusal(url: string): DownloadError | undefined {
    const host = hostOf(url);
    const down = this.hosts.get(host)?.down;
    if (!down || down.until <= this.now()) return undefined;
    const error = new DownloadError(
      `${host} failed less than a minute ago (${down.error.message}); not asked again until ${new Date(down.until).toISOString()}`,
      url,
      true,
    );
    this.report(host, url, error);
    return error;
  }

  /**
   * Record a failed download of `url`. A failure of the host (5xx, timeout,
   * network) pauses it; a failure of the one image (404, not an image, too
   * large) does not, and the image is remembered on its own by the caller.
   */
  failed(url: string, error: Error): void {
    const host = hostOf(url);
    if (!(error instanceof DownloadError) || error.retryable)
      this.state(host).down = { until: this.now() + HOST_PAUSE_MS, error };
    this.report(host, url, error);
  }

  /** A download from `url`'s host worked: the host is up. */
  succeeded(url: string): void {
    const state = this.hosts.get(hostOf(url));
    if (state) state.down = undefined;
  }

  /** One warn line per host per minute; the failures in between are counted in the next one. */
  private report(host: string, url: string, error: Error): void {
    const state = this.state(host);
    const now = this.now();
    if (state.loggedAt !== undefined && now - state.loggedAt < HOST_PAUSE_MS) {
      state.unlogged++;
      return;
    }
    // `reason`, not `err`: this line is already one per host per minute, on the injected clock; the logger's own
    // grouping of repeated failures (by `err`, on real time) would hold back the next minute's line.
    this.log.warn(
      { host, url, reason: error.message, failedSinceLastLine: state.unlogged },
      `web images from ${host} could not be downloaded (one line per host per minute)`,
    );
    state.loggedAt = now;
    state.unlogged = 0;
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) this.hosts.set(host, (state = { unlogged: 0 }));
    return state;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
