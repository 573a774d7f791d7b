package emulator

// captions are the seeded caption texts. They cover what breaks caption and hashtag handling in
// practice: non-Latin scripts and combining marks (Go's \w matches ASCII only), HTML entities
// that Meta leaves escaped, all-digit tags that Instagram does not link, tags that repeat in
// another case, URL fragments that look like tags, emoji and raw markup.
var captions = []string{
	"Brunch #café #queMoción #rantDelDía #コーヒー #Straße",
	"Thanks y&#039;all! #brunch",
	"We're #1! Since #2010 #2024goals",
	"#Travel #travel #TRAVEL #NYC #nyc",
	"Вечер на набережной #закат #Москва #Закат",
	"مساء الخير من المقهى #قهوة #صباح_الخير",
	"नमस्ते दोस्तों, आज की रेसिपी #हिन्दी #स्वादिष्ट #खाना",
	"Sunset 🌅✨ over the lake #sunset #goldenhour 🧡",
	"Recipe at https://example.com/recipes#sourdough and https://example.com/#top #sourdough",
	"Party <script>alert(1)</script> \"quotes\" & it's #fun",
	"Grüße aus München! #Weißbier #Oktoberfest #STRASSE #straße",
	"Behind the scenes 🎬 #bts #reels #BTS",
	"Plain caption without any tags.",
	"Two lines\nsecond line #multiline\n\n#linebreaks",
	"Ação e reação #ação #coração ❤️ #Ação",
	"東京の夜 #東京 #夜景 #tokyo",
	"Fresh loaves today 🍞 #bakery #sourdough #fresh",
	"Morning run along the river #running #5k #Running",
	"Café con leche ☕ #café #Café #mañana",
	"Tag in the middle#notatag and #realtag, end.",
	"Emoji only 🎉🎉🎉",
	"Zürich → Köln → Łódź #roadtrip #Zürich #Łódź",
}
