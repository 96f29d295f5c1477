package api

import (
	"net/http/httptest"
	"testing"
)

func TestBotUserAgent(t *testing.T) {
	tests := []struct {
		name, ua string
		family   string // "" for a person's browser
	}{
		// Microsoft Outlook, Office and Safe Links.
		{"outlook desktop", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)", "microsoft-office"},
		{"office existence discovery", "Microsoft Office Existence Discovery", "microsoft-office"},
		{"word hyperlink check", "Mozilla/4.0 (compatible; ms-office; MSOffice 16)", "microsoft-office"},
		{"office webdav", "Microsoft-WebDAV-MiniRedir/10.0.19045", "microsoft-office"},
		{"office protocol discovery", "Microsoft Office Protocol Discovery", "microsoft-office"},
		// Teams, Skype, Bing previews.
		{"skype preview", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", "microsoft-preview"},
		{"teams preview", "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36 MicrosoftPreview/2.0 +https://aka.ms/MicrosoftPreview", "microsoft-preview"},
		{"bing preview", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b", "microsoft-preview"},
		// Chat unfurlers.
		{"slack unfurl", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "slack"},
		{"slack image proxy", "Slack-ImgProxy (+https://api.slack.com/robots)", "slack"},
		{"slackbot", "Slackbot 1.0 (+https://api.slack.com/robots)", "slack"},
		{"twitter", "Twitterbot/1.0", "twitter"},
		{"imessage", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", "twitter"},
		{"linkedin", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "linkedin"},
		{"facebook", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "facebook"},
		{"meta agent", "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", "facebook"},
		{"discord", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "discord"},
		{"telegram", "TelegramBot (like TwitterBot)", "telegram"},
		{"whatsapp", "WhatsApp/2.23.20.0 A", "whatsapp"},
		{"whatsapp ios", "WhatsApp/2.24.6.77 i", "whatsapp"},
		// Search engines.
		{"googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "search-engine"},
		{"googlebot smartphone", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.160 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "search-engine"},
		{"google inspection", "Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)", "search-engine"},
		{"google other", "GoogleOther", "search-engine"},
		{"bingbot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", "search-engine"},
		{"applebot", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", "search-engine"},
		{"duckduckbot", "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", "search-engine"},
		// Mail security gateways.
		{"mimecast", "Mozilla/5.0 (compatible; Mimecast URL Protect)", "mail-scanner"},
		{"proofpoint", "Proofpoint URL Defense/1.0", "mail-scanner"},
		{"barracuda", "Mozilla/5.0 (compatible; Barracuda Sentinel)", "mail-scanner"},
		// Headless browsers.
		{"headless chrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36", "headless"},
		{"phantomjs", "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1", "headless"},
		{"lighthouse", "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse", "headless"},
		// HTTP libraries and tools.
		{"curl", "curl/8.4.0", "http-library"},
		{"wget", "Wget/1.21.4", "http-library"},
		{"python requests", "python-requests/2.31.0", "http-library"},
		{"python urllib", "Python-urllib/3.11", "http-library"},
		{"go", "Go-http-client/1.1", "http-library"},
		{"go 2", "Go-http-client/2.0", "http-library"},
		{"okhttp", "okhttp/4.12.0", "http-library"},
		{"java", "Java/17.0.2", "http-library"},
		{"apache httpclient", "Apache-HttpClient/4.5.14 (Java/17.0.8)", "http-library"},
		{"axios", "axios/1.6.2", "http-library"},
		{"node fetch", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "http-library"},
		{"powershell", "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3570", "http-library"},
		{"postman", "PostmanRuntime/7.36.0", "http-library"},
		// Preview services and generic names.
		{"embedly", "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", "preview-service"},
		{"chatgpt", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot", "preview-service"},
		{"redditbot", "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", "generic"},
		{"pinterest", "Pinterestbot/1.0 (+http://www.pinterest.com/bot.html)", "generic"},
		{"ahrefs", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "generic"},
		{"zulip", "Mozilla/5.0 (compatible; ZulipURLPreview/8.0; +https://zulip.com/)", "generic"},
		{"quora", "Quora Link Preview/1.0 (http://www.quora.com)", "generic"},
		{"a crawler", "SiteCrawler/2.0", "generic"},
		{"a spider", "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)", "generic"},
		{"blank", "   ", "empty-user-agent"},
		{"empty", "", "empty-user-agent"},

		// People's browsers, including in-app ones, are not bots.
		{"chrome windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", ""},
		{"chrome mac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", ""},
		{"chrome android", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", ""},
		{"firefox windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", ""},
		{"firefox linux", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", ""},
		{"safari ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1", ""},
		{"safari ipad", "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", ""},
		{"safari mac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", ""},
		{"edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80", ""},
		{"edge android", "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36 EdgA/124.0.2478.64", ""},
		{"samsung internet", "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", ""},
		{"opera", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 OPR/109.0.0.0", ""},
		{"chrome ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.71 Mobile/15E148 Safari/604.1", ""},
		{"linkedin in-app", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.6545", ""},
		{"facebook in-app", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/458.0.0.38.108;FBBV/585315180]", ""},
		{"cubot phone", "Mozilla/5.0 (Linux; Android 10; CUBOT_X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot, family := botUserAgent(tt.ua)
			if bot != (tt.family != "") || family != tt.family {
				t.Errorf("botUserAgent(%q) = %v, %q; want %v, %q", tt.ua, bot, family, tt.family != "", tt.family)
			}
		})
	}
}

func TestDetectBotRequest(t *testing.T) {
	const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	tests := []struct {
		name    string
		method  string
		header  map[string]string
		bot     bool
		because string
	}{
		{"a person", "GET", map[string]string{"User-Agent": chrome}, false, ""},
		{"HEAD from a browser", "HEAD", map[string]string{"User-Agent": chrome}, true, botHead},
		{"Sec-Purpose prefetch", "GET", map[string]string{"User-Agent": chrome, "Sec-Purpose": "prefetch"}, true, botPrefetch},
		{"Sec-Purpose prerender", "GET", map[string]string{"User-Agent": chrome, "Sec-Purpose": "prefetch;prerender"}, true, botPrefetch},
		{"Purpose prefetch", "GET", map[string]string{"User-Agent": chrome, "Purpose": "prefetch"}, true, botPrefetch},
		{"Safari preview", "GET", map[string]string{"User-Agent": chrome, "X-Purpose": "preview"}, true, botPrefetch},
		{"Firefox prefetch", "GET", map[string]string{"User-Agent": chrome, "X-Moz": "prefetch"}, true, botPrefetch},
		{"no User-Agent", "GET", nil, true, botEmptyUA},
		{"scanner", "GET", map[string]string{"User-Agent": "Slack-ImgProxy (+https://api.slack.com/robots)"}, true, "slack"},
		{"a person's POST", "POST", map[string]string{"User-Agent": chrome, "Purpose": ""}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/l/x", nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			if bot, why := detectBot(r); bot != tt.bot || why != tt.because {
				t.Errorf("detectBot = %v, %q; want %v, %q", bot, why, tt.bot, tt.because)
			}
		})
	}
}

func TestBrowserFamily(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80":                  "Edge",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36":                                    "Chrome",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0":                                                                   "Firefox",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1":        "Safari",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.71 Mobile/15E148 Safari/604.1":     "Chrome",
		"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36": "Samsung Internet",
		"something else": "Other",
	} {
		if got := browserFamily(ua); got != want {
			t.Errorf("browserFamily(%q) = %q, want %q", ua, got, want)
		}
	}
}
