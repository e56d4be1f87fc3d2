/** What the terminal chat says of itself: while the library loads (a first index build can take minutes), and once it answers. */
export const banner = {
  loading: "article-bot 正在载入文章库，请稍候…",
  ready: "article-bot 已启动。输入关键词搜索文章，输入「帮助」查看用法，Ctrl+D 退出。",
};
