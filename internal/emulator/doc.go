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
// The quirks below are those a client must handle. Under each, "emulator" names the test of
// this package that reproduces it, and "client" the test that shows igsource handles it.
// Client tests are in package instagram unless a package name prefixes them.
//
//	Instagram Login tokens work on graph.instagram.com only and Facebook Login tokens on
//	graph.facebook.com only; the wrong pairing fails with 190 "Cannot parse access token".
//	    emulator  TestTokenWrongHost, TestTokenPrefixes
//	    client    TestEmulatorHostTokenMismatch
//
//	/me.id is an app-scoped id (2…); /me.user_id is the professional account id (17841…) that
//	Facebook Login calls instagram_business_account.id.
//	    emulator  TestMeOnInstagramHost
//	    client    TestEmulatorMe
//
//	Graph ids are strings of 17 to 19 digits, beyond float64's exact range.
//	    emulator  TestMediaIDsAreDigitStrings
//	    client    TestIDsExactFromStringOrNumber
//
//	Timestamps end in +0000, which time.RFC3339 rejects.
//	    emulator  TestTimestampFormat
//	    client    TestTimestampOffsetsConvertedToUTC
//
//	Optional members are omitted, never null: caption, like_count, media_url, thumbnail_url,
//	paging.next on the last page, the whole paging member on the last hashtag page.
//	    emulator  TestOptionalMembersAbsent, TestLastPageHasNoNext,
//	              TestHashtagLastPageWithoutPaging
//	    client    TestDecodeFixtures, TestHashtagMediaConstantCursor, source.TestMapMissingCaption
//
//	CDN links are signed (oh) and expire (oe, hex Unix seconds) with 403 text/plain "URL
//	signature expired"; video links expire sooner; a forged link gets "Bad URL hash".
//	    emulator  TestCDNLinkExpires, TestCDNBadHash, TestVideoLinksExpireSooner
//	    client    media.TestLinkExpired, media.TestEmulatorExpiredLinkResolved,
//	              media.TestEmulatorForbiddenLinkResolvedOnce
//
//	Copyright-withheld media have no media_url but keep thumbnail_url and permalink; one has
//	neither permalink nor timestamp.
//	    emulator  TestWithheldMedia
//	    client    source.TestMapWithheldMedia, source.TestMediaWithheldFiles,
//	              TestEmulatorPagingReachesEnd
//
//	Albums carry their first child's media_url; children have no caption or counts, may be
//	videos with thumbnail_url, and the expansion has no paging. Some responses expand children
//	to bare ids (Options.ChildrenIDsOnly).
//	    emulator  TestCarouselChildren, TestChildrenIDsOnlyOption
//	    client    TestDecodeFixtures, TestEmulatorIDOnlyChildren, TestCompleteChildrenOneLookup,
//	              source.TestMapAlbumFirstChild
//
//	Reels are VIDEO with media_product_type REELS, permalinks under /reel/ and
//	is_shared_to_feed.
//	    emulator  TestReels
//	    client    TestDecodeFixtures, source.TestMapReelAndProductType,
//	              source.TestMediaReelCountsAsVideo
//
//	Paging follows next until it is absent; /media reaches the newest 10 000 media only.
//	    emulator  TestMediaPaging, TestMediaCap, TestPreviousLinkReturnsEarlierPage
//	    client    TestEmulatorPagingReachesEnd, TestNextMediaPageFollowsLink,
//	              TestMaxPagesStopsListing
//
//	next and previous links embed access_token and the encoded fields (%7B %7D %2C).
//	    emulator  TestNextLinkEncoding, TestRequestLogRedactsToken
//	    client    TestPageLinkNotPrinted, TestEmulatorFieldsPercentEncoded,
//	              TestPagingLinkOutsideBaseRejected
//
//	Hashtag edges need user_id, return at most 50 per page, have no username, the same after
//	cursor on every page and no before; albums there have no media_url; recent_media covers
//	24 hours unordered, and each post keeps its timestamp as the clock advances; 30 unique
//	hashtags per account per rolling 7 days, repeats free; hashtag ids are global.
//	    emulator  TestHashtagEdgePaging, TestHashtagLimitCapped, TestHashtagMediaFields,
//	              TestRecentMediaWithin24Hours, TestRecentMediaTimestampFixed,
//	              TestHashtagBudget, TestHashtagSearchStableIDs
//	    client    TestHashtagMediaConstantCursor, TestEmulatorHashtagConstantCursor,
//	              TestHashtagFieldsOmitUsername, TestHashtagRejectsBadInput,
//	              source.TestEmulatorHashtagOneSearch, source.TestEmulatorHashtagBudget
//
//	graph.instagram.com says IGApiException where graph.facebook.com says OAuthException;
//	throttling is HTTP 400 with code 4, 17, 32, 613 or 80002, never 429.
//	    emulator  TestErrorTypeByHost, TestThrottleCodes
//	    client    TestClassifyByCodeNotStatus, TestRateLimitedClassification, TestEmulatorThrottled
//
//	X-App-Usage and X-Business-Use-Case-Usage carry percentages; estimated_time_to_regain_access
//	is minutes, 0 unless throttled.
//	    emulator  TestUsageHeaders, TestThrottleRegainTime, TestSetUsage
//	    client    TestUsageFromHeaders, TestEmulatorUsageHeaders, TestRetryAfterFromUsageHeader
//
//	Each id of ?ids= counts as one call.
//	    emulator  TestIDsCountPerID
//	    client    TestMediaByIDsChunks, TestEmulatorIDOnlyChildren
//
//	account_type and user_id exist on graph.instagram.com only; elsewhere they fail with
//	"(#100) Tried accessing nonexisting field (…) on node type (IGUser)".
//	    emulator  TestHostSpecificFields
//	    client    TestUserFieldsPerHost, TestEmulatorWrongHostField
//
//	account_type is upper case (MEDIA_CREATOR), unlike the docs.
//	    emulator  TestAccountTypeUpperCase
//	    client    none, because igsource does not read account_type
//
//	Bodies follow captured responses, not Meta's doc samples, several of which are invalid
//	JSON.
//	    emulator  TestResponseShapes
//	    client    TestDecodeFixtures, TestErrorFixtures
//
//	Instagram Login has two token families: a code buys a one-hour token, which
//	ig_exchange_token trades for a 60-day one (expires_in 5183944). Facebook Login trades its
//	user token with fb_exchange_token. On the wire the code exchange is flat, with user_id the
//	app-scoped id as a bare 17-digit number and permissions an array. Meta's documentation
//	shows it wrapped in data[], with user_id a string and permissions comma-separated.
//	    emulator  TestOAuthCodeExchangeShape, TestOAuthLongLivedExchange, TestOAuthFacebookFlow
//	    client    TestExchangeCodeShapes, TestExchangeUserIDBeyondFloat, TestLongLivedAndRefresh,
//	              TestEmulatorInstagramLoginTokens, TestEmulatorFacebookLoginTokens
//
//	Instagram Login redirects to redirect_uri?code=…&state=…#_; the trailing #_ is not part of
//	the code.
//	    emulator  TestOAuthInstagramRedirect
//	    client    TestExchangeCodeShapes, TestTokenExchangeRejectsBadInput,
//	              accounts.TestParseCallback
//
//	Codes are single-use, valid one hour, and need the same redirect_uri byte for byte.
//	    emulator  TestOAuthCodeExchangeRejects
//	    client    TestEmulatorInstagramLoginTokens, accounts.TestFinishConnectReusedCode
//
//	Code exchange failures use the legacy shape {"error_type","code","error_message"}, not the
//	Graph envelope.
//	    emulator  TestOAuthCodeExchangeRejects
//	    client    TestExchangeCodeLegacyError
//
//	ig_refresh_token works by GET only, on tokens at least 24 hours old and unexpired; expired
//	or revoked tokens fail with 190 and subcode 463, 460 or 0.
//	    emulator  TestOAuthRefresh
//	    client    TestEmulatorInstagramLoginTokens, TestRefreshExpiredToken,
//	              TestTokenInvalidWhateverSubcode
//
// Further behaviour with tests: the optional version segment (TestVersionPrefixOptional), tokens
// in an Authorization header with 401 for token errors there (TestBearerToken,
// TestTokenWrongHost), expired and revoked sessions (TestExpiredToken, TestRevokedToken), the
// not-found error 100/33 (TestUnknownObject, TestDeleteMedia), nodes that always carry their id
// (TestIDAlwaysReturned), media expanded inside the IG User node (TestMediaFieldExpansion) and
// Range requests on the CDN (TestCDNRangeRequest).
package emulator
