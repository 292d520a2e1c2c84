// memlab pulls in puppeteer; its postinstall would download Chrome, which fails offline.
module.exports = { skipDownload: true };
