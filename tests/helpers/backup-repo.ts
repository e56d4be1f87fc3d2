/**
 * A 小懒 backup repository made on the local disk for sync tests: a bare
 * repository as the remote (`git init --bare`) and a working clone that
 * commits and pushes list pages and backups in the real site's layout
 * (`gzh/<account>.md`, `gzh/backup/<account>/<title>.md`).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** One article of a generated account. */
export interface FakeArticle {
  title: string;
  /** YYYY-MM-DD on the list page. */
  date: string;
  /** Words that make the body findable. */
  body?: string;
}

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "protocol.file.allow=always", ...args], {
    cwd,
    env: GIT_ENV,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A backup in the format of the real archive (see ../shared/corpus): header, cover, text, footer, 禅定时刻. */
export function backupText(account: string, a: FakeArticle): string {
  const body = a.body ?? `这是《${a.title}》的正文。`;
  return [
    `# ${a.title}`,
    "",
    `[**返回列表页**](/gzh/${account})`,
    "",
    "小懒自动备份，仅供查阅学习",
    "",
    `![](https://mmbiz.qpic.cn/mmbiz_jpg/cover${encodeURIComponent(a.title).slice(0, 12)}/640?wx;_fmt=jpeg&from;=appmsg)`,
    "",
    `${body}这是一段足够长的文字，让导入器把它当作真正的文章而不是占位内容。第二句话在这里，第三句话也在这里。`,
    "",
    `题图标题： **《${a.title}的图》** 创作者： **和菜头的小肉手** AI算法提供： **Midjourney V6** Prompt： _test_`,
    `**${account}** **和菜头 出品**`,
    "",
    ">  ******禅定时刻**",
    "",
    "![](https://mmbiz.qpic.cn/mmbiz_jpg/zen/640?wx;_fmt=jpeg&from;=appmsg)",
    "",
    " **《墨荷》**",
    "",
    " **和菜头的小肉手** **Midjourney V6.1**",
    "",
  ].join("\n");
}

/** The account's list page, newest first, as the site renders it. */
export function listPageText(account: string, articles: readonly FakeArticle[]): string {
  const sorted = [...articles].sort((a, b) => b.date.localeCompare(a.date));
  const lines = [`# 【${account}】文章列表`, "", "[**返回列表页**](/gzh/gzh_list)", "", "## 文章列表"];
  for (const a of sorted) {
    const sn = createHash("md5").update(`${account}/${a.title}`).digest("hex");
    lines.push(
      `- [${a.title}](http://mp.weixin.qq.com/s?__biz=TEST&mid=1&sn=${sn}#rd) |  [备份查看](/gzh/backup/${account}/${a.title})`,
    );
    lines.push(`    - 时间：${a.date}`, "    - 摘要：");
  }
  return `${lines.join("\n")}\n`;
}

/** The remote and a working clone to change it from. */
export class BackupRepo {
  readonly base: string;
  /** The bare repository: what sync clones (as a file:// URL). */
  readonly remote: string;
  readonly work: string;
  readonly accounts = new Map<string, FakeArticle[]>();

  constructor() {
    this.base = mkdtempSync(path.join(os.tmpdir(), "backup-repo-"));
    this.remote = path.join(this.base, "remote.git");
    this.work = path.join(this.base, "work");
    git(this.base, "init", "--quiet", "--bare", "--initial-branch=master", this.remote);
    git(this.base, "init", "--quiet", "--initial-branch=master", this.work);
    git(this.work, "remote", "add", "origin", this.remote);
  }

  /** The remote as sync takes it. */
  get url(): string {
    return `file://${this.remote}`;
  }

  /** Add (or replace) articles of an account: backup files and the rewritten list page. */
  put(account: string, articles: readonly FakeArticle[]): this {
    const list = (this.accounts.get(account) ?? []).filter((a) => !articles.some((b) => b.title === a.title));
    list.push(...articles);
    this.accounts.set(account, list);
    for (const a of articles) this.write(`gzh/backup/${account}/${a.title}.md`, backupText(account, a));
    this.write(`gzh/${account}.md`, listPageText(account, list));
    return this;
  }

  /** Remove an article's backup (its list entry stays, as on the real site). */
  removeBackup(account: string, title: string): this {
    unlinkSync(path.join(this.work, "gzh", "backup", account, `${title}.md`));
    return this;
  }

  /** Write any file of the working clone. */
  write(rel: string, content: string): this {
    const file = path.join(this.work, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return this;
  }

  /** Rename a file (git sees a delete and an add). */
  rename(from: string, to: string): this {
    git(this.work, "mv", "--", from, to);
    return this;
  }

  /** Commit everything and push; resolves to the commit. */
  commit(message: string): string {
    git(this.work, "add", "-A");
    git(this.work, "commit", "--quiet", "--allow-empty", "-m", message);
    git(this.work, "push", "--quiet", "--force", "origin", "master");
    return this.head();
  }

  /** Rewrite history: one new root commit with the current tree, force-pushed. */
  rewriteHistory(message = "rewritten"): string {
    git(this.work, "add", "-A");
    git(this.work, "checkout", "--quiet", "--orphan", "rewritten");
    git(this.work, "commit", "--quiet", "-m", message);
    git(this.work, "branch", "--quiet", "-D", "master");
    git(this.work, "branch", "--quiet", "-m", "master");
    git(this.work, "push", "--quiet", "--force", "origin", "master");
    git(this.remote, "reflog", "expire", "--expire=now", "--all");
    git(this.remote, "gc", "--quiet", "--prune=now");
    return this.head();
  }

  head(): string {
    return git(this.work, "rev-parse", "HEAD").trim();
  }

  remove(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}
