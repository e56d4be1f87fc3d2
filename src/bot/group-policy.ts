import type { GroupPolicy, GroupPolicyConfig } from "../config.ts";
import type { GroupState } from "../store/store.ts";

/**
 * Each platform's policy when GROUP_POLICY is not set: WeChat accounts
 * pulled into random groups by strangers get banned, so a WeChat bot
 * speaks only where a group's admin asked for it; Telegram groups have
 * their own admins and bot controls, so it answers wherever it was added.
 */
const DEFAULT_POLICIES: Readonly<Record<string, GroupPolicy>> = { wechat: "opt-in" };

/** The policy that applies to `platform`'s groups. */
export function policyOf(config: GroupPolicyConfig, platform: string): GroupPolicy {
  return config.policy ?? DEFAULT_POLICIES[platform] ?? "open";
}

/** Whether ALLOWED_GROUPS lists the group. */
export function isListed(config: GroupPolicyConfig, platform: string, chatId: string): boolean {
  return config.allowed.some((entry) => entry === chatId || entry === `${platform}:${chatId}`);
}

/**
 * Whether the bot serves a group now: its admins' last 「启用」/「停用」
 * (`state`, absent when they never sent one), under the policy.
 */
export function isServed(config: GroupPolicyConfig, platform: string, chatId: string, state: GroupState | undefined): boolean {
  if (state === "disabled") return false;
  switch (policyOf(config, platform)) {
    case "open":
      return true;
    case "opt-in":
      return state === "enabled" || isListed(config, platform, chatId);
    case "allow-list":
      return isListed(config, platform, chatId);
  }
}

/** Whether 「启用」 can switch the bot on in a group: not in a group the allow-list leaves out. */
export function mayEnable(config: GroupPolicyConfig, platform: string, chatId: string): boolean {
  return policyOf(config, platform) !== "allow-list" || isListed(config, platform, chatId);
}
