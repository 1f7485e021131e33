// Browser for the suite: Debian's Chromium (puppeteer-core downloads none), headless, and allowed
// to reach the server under test on 127.0.0.1 (Chromium's local-network-access checks block a
// page from reaching loopback otherwise). NAKAMA_PORT: the server's port (default 7350);
// CHROMIUM: the browser binary (default /usr/bin/chromium).
const port = process.env.NAKAMA_PORT || "7350";

module.exports = {
  launch: {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-dev-shm-usage",
      `--ip-address-space-overrides=127.0.0.1:${port}=public`,
    ],
  },
};
