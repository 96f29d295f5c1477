package api

import (
	"net/http"
	"regexp"
	"strings"
)

// botFamily is one family of automated clients, recognised by its
// User-Agent. Opening a shared link in a mail client, chat or security
// gateway makes these fetch it before (or instead of) any person: their
// opens are recorded with bot = true and never counted.
type botFamily struct {
	name string
	// pattern is a regular expression matched against the lower-cased
	// User-Agent.
	pattern string
}

// botFamilies is the one list of automated User-Agents. Order matters only
// for the family reported: the first match names it.
var botFamilies = []botFamily{
	// Microsoft Outlook and Office apps fetch links to build previews, to
	// check them (Safe Links) and, in Word or Excel, before handing a
	// clicked link to the browser: "Microsoft Office/16.0 (…; Microsoft
	// Outlook 16.0…)", "Microsoft Office Existence Discovery",
	// "Mozilla/4.0 (compatible; ms-office; MSOffice 16)", and WebDAV probes
	// "Microsoft-WebDAV-MiniRedir/10.0". Safe Links detonations that pose as
	// an ordinary browser cannot be told apart by their User-Agent.
	{"microsoft-office", `microsoft office|ms-office|msoffice|microsoft-webdav`},
	// Microsoft Teams and Skype link previews ("SkypeUriPreview Preview/0.5",
	// "… MicrosoftPreview/2.0 +https://aka.ms/MicrosoftPreview") and Bing's
	// page previews ("BingPreview/1.0b").
	{"microsoft-preview", `skypeuripreview|microsoftpreview|bingpreview`},
	// Slack's unfurler and image proxy: "Slackbot-LinkExpanding 1.0
	// (+https://api.slack.com/robots)", "Slack-ImgProxy (+https://…)".
	{"slack", `slackbot|slack-imgproxy`},
	// Telegram previews: "TelegramBot (like TwitterBot)".
	{"telegram", `telegrambot`},
	// X (Twitter) cards: "Twitterbot/1.0". iMessage previews also carry it.
	{"twitter", `twitterbot`},
	// LinkedIn previews: "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient …)".
	{"linkedin", `linkedinbot`},
	// Facebook, Messenger, Instagram previews: "facebookexternalhit/1.1",
	// "Facebot", "meta-externalagent/1.1".
	{"facebook", `facebookexternalhit|facebot|facebookcatalog|meta-external`},
	// Discord embeds: "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)".
	{"discord", `discordbot`},
	// WhatsApp previews: "WhatsApp/2.23.20.0 A". WhatsApp has no in-app
	// browser: people's taps open their own browser.
	{"whatsapp", `whatsapp`},
	// Search engines and Google's other fetchers: "Googlebot/2.1",
	// "Google-InspectionTool/1.0", "GoogleOther", "Google-PageRenderer"
	// (Docs and Gmail previews), "APIs-Google", "bingbot/2.0",
	// "Applebot/0.1" (Siri, Spotlight), Yahoo "Slurp", archive.org.
	{"search-engine", `googlebot|google-(?:inspectiontool|pagerenderer|read-aloud|safety|site-verification|apps-script)|` +
		`googleother|googleimageproxy|apis-google|feedfetcher-google|mediapartners-google|adsbot-google|storebot-google|` +
		`bingbot|msnbot|adidxbot|applebot|duckduckbot|yandex(?:bot|images)|baiduspider|slurp|ia_archiver|petalbot`},
	// E-mail security gateways that open every link of a message to scan
	// it: Mimecast, Proofpoint URL Defense, Barracuda, Trend Micro,
	// FireEye, Cisco IronPort.
	{"mail-scanner", `mimecast|proofpoint|barracuda|trendmicro|trend micro|fireeye|ironport`},
	// Headless and automated browsers: "HeadlessChrome/120.0", PhantomJS,
	// Puppeteer, Playwright, Selenium, Lighthouse.
	{"headless", `headlesschrome|headless|phantomjs|puppeteer|playwright|selenium|lighthouse|pagespeed|prerender`},
	// HTTP libraries and command-line tools: "curl/8.4.0", "Wget/1.21",
	// "python-requests/2.31", "Go-http-client/1.1", "okhttp/4.12",
	// "Java/17.0.2", "Apache-HttpClient/4.5", "axios/1.6", "node-fetch",
	// PowerShell, Postman.
	{"http-library", `^curl/|\bwget\b|python-requests|python-urllib|python-httpx|aiohttp|httpx/|go-http-client|okhttp|` +
		`\bjava/|apache-httpclient|axios/|node-fetch|undici|libwww-perl|httpie|guzzlehttp|^ruby|^php|` +
		`postmanruntime|insomnia|windowspowershell|dart:io|^got \(|reqwest`},
	// Link-preview services and AI fetchers acting for someone who is not
	// the recipient: Embedly, Iframely, ChatGPT, Perplexity.
	{"preview-service", `embedly|iframely|vkshare|flipboardproxy|chatgpt-user|perplexity|bitlybot`},
	// Anything that calls itself a bot, crawler, spider or preview:
	// "redditbot", "Pinterestbot", "ZoomInfoBot", "AhrefsBot", "Quora
	// Link Preview", "ZulipURLPreview". "bot" must end a word, so Cubot
	// phones are taken out first (see botExempt).
	{"generic", `bot\b|crawl|spider|preview|scanner|fetcher|validator|monitor`},
}

// botExempt removes words that contain a bot family's pattern but name
// people's devices: Cubot phones ("… Android 10; CUBOT_X19 …").
var botExempt = regexp.MustCompile(`cubot`)

var botPatterns = compileBotFamilies(botFamilies)

func compileBotFamilies(fams []botFamily) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(fams))
	for i, f := range fams {
		out[i] = regexp.MustCompile(f.pattern)
	}
	return out
}

// Reasons a request is taken for a bot that are not about its User-Agent.
const (
	botEmptyUA  = "empty-user-agent"
	botHead     = "head-request"
	botPrefetch = "prefetch"
)

// detectBot reports whether a request for a shared link comes from a
// machine (link scanner, unfurler, headless fetcher, prefetch) rather
// than a person, and names why. It looks only at the request.
func detectBot(r *http.Request) (bool, string) {
	if r.Method == http.MethodHead {
		return true, botHead
	}
	// Browsers announce speculative loads (link prefetch, prerender); no
	// one has looked at the page yet, and may never.
	for _, h := range []string{"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"} {
		if v := strings.ToLower(r.Header.Get(h)); strings.Contains(v, "prefetch") || strings.Contains(v, "preview") {
			return true, botPrefetch
		}
	}
	return botUserAgent(r.UserAgent())
}

// botUserAgent classifies a User-Agent alone; an empty one is a bot.
func botUserAgent(ua string) (bool, string) {
	ua = strings.ToLower(strings.TrimSpace(ua))
	if ua == "" {
		return true, botEmptyUA
	}
	ua = botExempt.ReplaceAllString(ua, "")
	for i, re := range botPatterns {
		if re.MatchString(ua) {
			return true, botFamilies[i].name
		}
	}
	return false, ""
}

// browserFamily names the browser of a person's User-Agent coarsely, for
// the event's meta; never the full string, which can single people out.
func browserFamily(ua string) string {
	ua = strings.ToLower(ua)
	switch {
	case strings.Contains(ua, "edg/") || strings.Contains(ua, "edga/") || strings.Contains(ua, "edgios/"):
		return "Edge"
	case strings.Contains(ua, "opr/") || strings.Contains(ua, "opera"):
		return "Opera"
	case strings.Contains(ua, "samsungbrowser/"):
		return "Samsung Internet"
	case strings.Contains(ua, "firefox/") || strings.Contains(ua, "fxios/"):
		return "Firefox"
	case strings.Contains(ua, "chrome/") || strings.Contains(ua, "crios/") || strings.Contains(ua, "chromium/"):
		return "Chrome"
	case strings.Contains(ua, "safari/") || strings.Contains(ua, "applewebkit/"):
		return "Safari"
	}
	return "Other"
}
