package extract

import (
	"strings"
	"testing"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"english", "Our platform helps the sales team find the right deck for every meeting. It is fast, and it works with the tools you already have.", "english"},
		{"german", "Unsere Plattform hilft dem Vertrieb, die richtige Präsentation für jedes Gespräch zu finden. Sie ist schnell und funktioniert mit den Werkzeugen, die Sie bereits nutzen.", "german"},
		{"french", "Notre plateforme aide les équipes commerciales à trouver la bonne présentation pour chaque rendez-vous. Elle est rapide et fonctionne avec les outils que vous utilisez déjà.", "french"}, //nolint:misspell // French, not an English typo
		{"spanish", "Nuestra plataforma ayuda al equipo de ventas a encontrar la presentación adecuada para cada reunión. Es rápida y funciona con las herramientas que ya usas en el día a día.", "spanish"},
		{"italian", "La nostra piattaforma aiuta il team di vendita a trovare la presentazione giusta per ogni incontro. È veloce e funziona con gli strumenti che già usi, anche per questo non serve altro.", "italian"},
		{"portuguese", "A nossa plataforma ajuda a equipa de vendas a encontrar a apresentação certa para cada reunião. É rápida e funciona com as ferramentas que já usa no dia a dia, e não custa mais.", "portuguese"},
		{"dutch", "Ons platform helpt het verkoopteam om de juiste presentatie voor elk gesprek te vinden. Het is snel en het werkt met de tools die je al gebruikt, maar het is ook eenvoudig.", "dutch"},
		{"japanese", "私たちのプラットフォームは、営業チームがすべての商談に最適な資料を見つけるのに役立ちます。", "simple"},
		{"arabic", "تساعد منصتنا فريق المبيعات في العثور على العرض المناسب لكل اجتماع.", "simple"},
		{"empty", "", "simple"},
		{"numbers only", "2024 2025 100% 3.5", "simple"},
		{"too few words to tell", "The deck", "simple"},
		{"product names", "Stagecraft Pro Enterprise SSO SAML SCIM Okta Salesforce HubSpot", "simple"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectLanguage(tt.text); got != tt.want {
				t.Errorf("DetectLanguage(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestDetectLanguageSample checks that only the first words count: a
// document that turns German after 2,000 English words is English.
func TestDetectLanguageSample(t *testing.T) {
	text := strings.Repeat("the price of the plan ", 400) + strings.Repeat("der Preis und die Kosten ", 2000)
	if got := DetectLanguage(text); got != "english" {
		t.Errorf("got %q, want english", got)
	}
}
