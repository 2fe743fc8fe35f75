package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The portal's bearer tokens (sign-in links, session links, session cookies): long enough that nobody guesses one, and
 * kept in the database only as hashes, so that a copy of it opens nobody's portal.
 */
@TillIntegrationTest
class PortalTokensTest {

    private static final Pattern LINK = Pattern.compile("http://\\S+/portal/[a-z0-9_]+/link/([a-z0-9]+)");

    @Value("${local.server.port}")
    int port;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @Autowired
    JdbcClient db;

    @Test
    void aSignInLinkAndTheSessionItOpensAreKeptOnlyAsHashes() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com").get("customer_id")
            .asString();
        var browser = PortalClient.fromFreshAddress(port);
        String signInPage = "/portal/" + shop.accountId();
        browser.post(signInPage, signInPage, "email=" + URLEncoder.encode("ada@example.com", StandardCharsets.UTF_8));
        String token = tokenInMail(shop);
        String path = signInPage + "/link/" + token;
        assertThat(browser.post(path, path, "").status()).isEqualTo(302);
        String cookie = browser.cookie("till_portal_" + shop.accountId());

        assertKeptOnlyAsHash("portal_links", shop.accountId(), customerId, token);
        assertKeptOnlyAsHash("portal_sessions", shop.accountId(), customerId, cookie);
    }

    @Test
    void aSessionLinkOfTheApiAndTheSessionItOpensAreKeptOnlyAsHashes() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "bea@example.com").get("customer_id")
            .asString();
        String url = sessionUrl(shop, customerId);
        var browser = PortalClient.fromFreshAddress(port);
        assertThat(browser.get(url).status()).isEqualTo(302);

        assertKeptOnlyAsHash("portal_links", shop.accountId(), customerId, url.replaceFirst(".*/session/", ""));
        assertKeptOnlyAsHash("portal_sessions", shop.accountId(), customerId,
            browser.cookie("till_portal_" + shop.accountId()));
    }

    /**
     * At least 256 random bits each (issue 11): the length of a token times the bits of each character, counting the
     * alphabet as the characters the tokens are seen to use, and no token handed out twice.
     */
    @Test
    void sessionLinksAndSessionCookiesCarryAtLeast256BitsEach() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "cal@example.com").get("customer_id")
            .asString();
        var tokens = new ArrayList<String>();
        for (int i = 0; i < 16; i++) {
            String url = sessionUrl(shop, customerId);
            var browser = PortalClient.fromFreshAddress(port);
            assertThat(browser.get(url).status()).isEqualTo(302);
            tokens.add(url.replaceFirst(".*/session/", ""));
            tokens.add(browser.cookie("till_portal_" + shop.accountId()));
        }

        var alphabet = new HashSet<Integer>();
        tokens.forEach(token -> token.chars().forEach(alphabet::add));
        int shortest = tokens.stream().mapToInt(String::length).min().orElseThrow();
        double bitsPerCharacter = Math.log(alphabet.size()) / Math.log(2);

        assertThat(new HashSet<>(tokens)).hasSize(tokens.size());
        assertThat(shortest * bitsPerCharacter).as("%d characters of %d", shortest, alphabet.size())
            .isGreaterThanOrEqualTo(256);
    }

    /**
     * The table's rows of the customer hold neither the token nor its bytes, in any column; and one of them holds its
     * SHA-256, so that the rows looked at are the token's own.
     */
    private void assertKeptOnlyAsHash(String table, String accountId, String customerId, String token) {
        assertThat(token).isNotBlank();
        List<String> rows = db.sql("SELECT t::text FROM " + table + " t WHERE account_id = ? AND customer_id = ?")
            .params(accountId, customerId)
            .query(String.class)
            .list();
        String tokenBytes = HexFormat.of().formatHex(token.getBytes(StandardCharsets.UTF_8));

        assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(row.toLowerCase(java.util.Locale.ROOT))
            .doesNotContain(token, tokenBytes));
        assertThat(db.sql("SELECT count(*) FROM " + table + " WHERE account_id = ? AND token_hash = ?")
            .params(accountId, sha256(token))
            .query(Integer.class)
            .single()).as("%s holds the token's hash", table).isEqualTo(1);
    }

    private String sessionUrl(Shops.Shop shop, String customerId) {
        var created = api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"" + customerId + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("url").asString();
    }

    /** The token of the sign-in link in the account's dev mailbox, waiting up to ten seconds for the send. */
    private String tokenInMail(Shops.Shop shop) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var mails = api.get("/api/v1/dev/mailbox", shop.apiKey()).json().get("data");
            if (!mails.isEmpty()) {
                var matcher = LINK.matcher(mails.get(0).get("text").asString());
                assertThat(matcher.find()).isTrue();
                return matcher.group(1);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new AssertionError("no email arrived in the dev mailbox");
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
