import type { GroupPolicy, GroupPolicyConfig } from "../config.ts";
import type { GroupState } from "../store/store.ts";

/**
 * GROUP_POLICY and ALLOWED_GROUPS, with each platform's own policy for
 * when GROUP_POLICY is not set (its `groupPolicy` trait; none: `open`).
 */
export interface GroupRules extends GroupPolicyConfig {
  defaultPolicy?: (platform: string) => GroupPolicy;
}

/** The policy that applies to `platform`'s groups. */
export function policyOf(config: GroupRules, platform: string): GroupPolicy {
  return config.policy ?? config.defaultPolicy?.(platform) ?? "open";
}

/** Whether ALLOWED_GROUPS lists the group. */
export function isListed(config: GroupPolicyConfig, platform: string, chatId: string): boolean {
  return config.allowed.some((entry) => entry === chatId || entry === `${platform}:${chatId}`);
}

/**
 * Whether the bot serves a group now: its admins' last 「启用」/「停用」
 * (`state`, absent when they never sent one), under the policy.
 */
export function isServed(config: GroupRules, platform: string, chatId: string, state: GroupState | undefined): boolean {
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
export function mayEnable(config: GroupRules, platform: string, chatId: string): boolean {
  return policyOf(config, platform) !== "allow-list" || isListed(config, platform, chatId);
}
