/**
 * Measures the push's fan-out rate: 1,000 subscribers, the real Telegram
 * sender, the fake Bot API server on 127.0.0.1, three runs, median.
 *
 *   npx tsx tests/push/measure-fanout.ts
 *
 * Setups: the production push (our pacer at Telegram's pace), the same
 * sender behind grammY's throttler (the answering path's limits), and
 * neither (the ceiling of sender + fake server + SQLite on this machine).
 */
import { Api } from "grammy";
import { installReliability } from "../../adapters/telegram/api.ts";
import { Messenger } from "../../adapters/telegram/messenger.ts";
import { Pager } from "../../adapters/telegram/paging.ts";
import { PhotoUploader } from "../../adapters/telegram/photo.ts";
import { createTelegramSender, TelegramSender } from "../../adapters/telegram/sender.ts";
import type { Sender } from "../../src/chat/sender.ts";
import { silentLogger } from "../../src/log.ts";
import { downloadImage } from "../../src/net/download.ts";
import { ImageCache } from "../../src/net/image-cache.ts";
import { telegramModule } from "../../adapters/telegram/module.ts";
import type { Pace } from "../../src/chat/sender.ts";
import type { Store } from "../../src/store/store.ts";
import { fakeClock } from "../helpers/bot.ts";
import { FakeTelegram } from "../helpers/fake-telegram.ts";
import { ImageServer, jpegBytes, LOCAL_IMAGE_HOSTS } from "../helpers/image-server.ts";
import { pushService, subscribeMany, tempSqlite } from "./helpers.ts";

const SUBSCRIBERS = 1000;
const RUNS = 3;
const UNPACED: Pace = { perSecond: 0, concurrency: 8 };

type MakeSender = (tg: FakeTelegram, store: Store, images: ImageCache) => Sender;

const plain: MakeSender = (tg, store, images) =>
  createTelegramSender({ token: tg.token, apiRoot: tg.apiRoot, kv: store, log: silentLogger(), images });

const throttled: MakeSender = (tg, store, images) => {
  const log = silentLogger();
  const api = installReliability(new Api(tg.token, { apiRoot: tg.apiRoot }), log);
  const photos = new PhotoUploader({ kv: store, log, botId: tg.token.split(":")[0]!, images });
  return new TelegramSender(new Messenger(api, new Pager(), photos));
};

async function once(makeSender: MakeSender, pace: Pace): Promise<number> {
  const clock = fakeClock("2026-11-23T00:00:00Z");
  const [tg, host, db] = await Promise.all([FakeTelegram.start(), ImageServer.start(), tempSqlite(clock)]);
  try {
    for (const path of ["/mmbiz_jpg/molotus/0", "/mmbiz_png/shanzhong/0"])
      host.route(path, { kind: "image", bytes: jpegBytes(50_000) });
    await subscribeMany(db.store, SUBSCRIBERS, { prefix: "1" });
    clock.set("2026-11-24T23:30:00Z");
    const images = new ImageCache({
      download: (url) =>
        downloadImage(url.replace("https://mmbiz.qpic.cn", host.url), { allowHosts: LOCAL_IMAGE_HOSTS }),
      clock,
    });
    const { service } = await pushService(db.store, clock, [makeSender(tg, db.store, images)], {
      images,
      paces: { telegram: pace },
    });
    const [report] = (await service.tick())!;
    await service.stop();
    if (report!.sent !== SUBSCRIBERS || tg.sent().length !== SUBSCRIBERS)
      throw new Error(`incomplete push: ${JSON.stringify(report)}`);
    return (report!.sent / report!.elapsedMs) * 1000;
  } finally {
    await Promise.all([tg.close(), host.close(), db.cleanup()]);
  }
}

async function measure(name: string, makeSender: MakeSender, pace: Pace): Promise<void> {
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) rates.push(await once(makeSender, pace));
  const median = [...rates].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  console.log(`${name}: median ${median.toFixed(1)} msg/s (runs: ${rates.map((r) => r.toFixed(1)).join(", ")})`);
}

await measure("push pacer at Telegram pace (production)", plain, telegramModule.pace!);
await measure("grammY throttler, push pacer off", throttled, UNPACED);
await measure("no pacing at all (ceiling)", plain, UNPACED);
