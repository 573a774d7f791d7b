// Package emulator emulates the parts of Meta's APIs that igsource reads: the Instagram Login
// host graph.instagram.com, the Facebook Login host graph.facebook.com and Instagram's CDN. It
// serves the demo, the `igsource emulator` command and every test that would otherwise need
// Instagram.
//
// One http.Handler serves every host under a path prefix of one base URL:
//
//	/graph.instagram.com/[v25.0/]...   Graph API, Instagram Login tokens (IGAA…)
//	/graph.facebook.com/[v25.0/]...    Graph API, Facebook Login tokens (EAA…)
//	/cdn/...                           signed, expiring links to generated JPEG and MP4 files
//
// The OAuth hosts (/api.instagram.com, /www.instagram.com, /www.facebook.com) are registered
// by the oauth files of this package through Handle and HandleGraphPath.
//
// The dataset is generated from Options.Seed, with timestamps counted back from the clock's
// time at New. It contains a creator account on Instagram Login with at least 160 media over
// two years. It also contains a Facebook user with two Pages, one of them linked to a business
// account with about 60 media.
// Any hashtag name resolves to a global id and carries generated public media. Tests move the
// clock, mint and revoke tokens, inject faults, count calls per endpoint, read the request log
// and add or delete media.
//
// # Meta's behaviour that the emulator reproduces
//
// The quirks below are those a client must handle; each names the test that shows it.
//
//	Quirk                                                          Test
//	Instagram Login tokens work on graph.instagram.com only and    TestTokenWrongHost,
//	Facebook Login tokens on graph.facebook.com only; the wrong    TestTokenPrefixes
//	pairing fails with 190 "Cannot parse access token".
//	/me.id is an app-scoped id (2…); /me.user_id is the            TestMeOnInstagramHost
//	professional account id (17841…) that Facebook Login calls
//	instagram_business_account.id.
//	Graph ids are strings of 17 to 19 digits, beyond float64's     TestMediaIDsAreDigitStrings
//	exact range.
//	Timestamps end in +0000, which time.RFC3339 rejects.           TestTimestampFormat
//	Optional members are omitted, never null: caption,             TestOptionalMembersAbsent,
//	like_count, media_url, thumbnail_url, paging.next on the       TestLastPageHasNoNext,
//	last page, the whole paging member on the last hashtag page.   TestHashtagLastPageWithoutPaging
//	CDN links are signed (oh) and expire (oe, hex Unix seconds)    TestCDNLinkExpires,
//	with 403 text/plain "URL signature expired"; video links       TestCDNBadHash,
//	expire sooner; a forged link gets "Bad URL hash".              TestVideoLinksExpireSooner
//	Copyright-withheld media have no media_url but keep            TestWithheldMedia
//	thumbnail_url and permalink; one has neither permalink nor
//	timestamp.
//	Albums carry their first child's media_url; children have no   TestCarouselChildren,
//	caption or counts, may be videos with thumbnail_url, and the   TestChildrenIDsOnlyOption
//	expansion has no paging. Some responses expand children to
//	bare ids (Options.ChildrenIDsOnly).
//	Reels are VIDEO with media_product_type REELS, permalinks      TestReels
//	under /reel/ and is_shared_to_feed.
//	Paging follows next until it is absent; /media reaches the     TestMediaPaging, TestMediaCap,
//	newest 10 000 media only.                                      TestPreviousLinkReturnsEarlierPage
//	next and previous links embed access_token and the encoded     TestNextLinkEncoding,
//	fields (%7B %7D %2C).                                          TestRequestLogRedactsToken
//	Hashtag edges need user_id, return at most 50 per page, have   TestHashtagEdgePaging,
//	no username, the same after cursor on every page and no        TestHashtagLimitCapped,
//	before; albums there have no media_url; recent_media covers    TestHashtagMediaFields,
//	24 hours unordered; 30 unique hashtags per account per         TestRecentMediaWithin24Hours,
//	rolling 7 days, repeats free; hashtag ids are global.          TestHashtagBudget,
//	                                                               TestHashtagSearchStableIDs
//	graph.instagram.com says IGApiException where                  TestErrorTypeByHost,
//	graph.facebook.com says OAuthException; throttling is HTTP     TestThrottleCodes
//	400 with code 4, 17, 32, 613 or 80002, never 429.
//	X-App-Usage and X-Business-Use-Case-Usage carry percentages;   TestUsageHeaders,
//	estimated_time_to_regain_access is minutes, 0 unless           TestThrottleRegainTime,
//	throttled.                                                     TestSetUsage
//	Each id of ?ids= counts as one call.                           TestIDsCountPerID
//	account_type and user_id exist on graph.instagram.com only;    TestHostSpecificFields
//	elsewhere they fail with "(#100) Tried accessing nonexisting
//	field (…) on node type (IGUser)".
//	account_type is upper case (MEDIA_CREATOR), unlike the docs.   TestAccountTypeUpperCase
//	Bodies follow captured responses, not Meta's doc samples,      TestResponseShapes
//	several of which are invalid JSON.
//
// Further behaviour with tests: the optional version segment (TestVersionPrefixOptional), tokens
// in an Authorization header with 401 for token errors there (TestBearerToken,
// TestTokenWrongHost), expired and revoked sessions (TestExpiredToken, TestRevokedToken), the
// not-found error 100/33 (TestUnknownObject, TestDeleteMedia), nodes that always carry their id
// (TestIDAlwaysReturned), media expanded inside the IG User node (TestMediaFieldExpansion) and
// Range requests on the CDN (TestCDNRangeRequest).
package emulator
