package io.distillery.review.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.review.AuditAction;
import io.distillery.review.AuditEvent;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewItem;
import io.distillery.review.ReviewStatus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review page with OIDC sign-in against a real Keycloak ({@link KeycloakServer}, started once for this class)
 * and no embedded users: a reviewer signs in on Keycloak's own login page in Debian's chromium, approves a package
 * and is the named actor in the queue and the audit trail; signing out ends the Keycloak session too. Over plain
 * HTTP (the same authorization-code flow, driven by java.net.http): a user without either role gets 403, forged
 * posts are refused for OIDC sessions as for form sessions, an administrator from the provider exports the trail,
 * and /q/health still answers without any sign-in.
 */
@QuarkusTest
@TestProfile(OidcReviewTestProfile.class)
class ReviewPageOidcTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern KEYCLOAK_FORM =
            Pattern.compile("action=\"([^\"]*/login-actions/authenticate[^\"]*)\"");

    @TestHTTPResource("/")
    URL base;

    @Inject
    ReviewGate gate;

    private WebDriver browser;

    private static String password() {
        return ConfigProvider.getConfig().getValue(KeycloakServer.PASSWORD_KEY, String.class);
    }

    private static String keycloakUrl() {
        return ConfigProvider.getConfig().getValue(KeycloakServer.URL_KEY, String.class);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    @Test
    void aReviewerSignsInAtKeycloakApprovesAndTheTrailNamesHer() throws Exception {
        ReviewFixture.Audited audited = ReviewFixture.get().build();
        String id = audited.pkg().id();
        gate.submit(audited.pkg(), audited.verdict(), "test");
        browser = HeadlessChromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        browser.get(base + "review/packages/" + id);
        // Keycloak's login page, not ours
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kc-login")));
        assertTrue(browser.getCurrentUrl().startsWith(keycloakUrl()), browser.getCurrentUrl());
        browser.findElement(By.id("username")).sendKeys("kc-reviewer");
        browser.findElement(By.id("password")).sendKeys(password());
        browser.findElement(By.id("kc-login")).click();

        wait.until(ExpectedConditions.textToBe(By.id("package-id"), id));
        assertEquals("PENDING", browser.findElement(By.id("status")).getText());
        assertEquals("kc-reviewer", browser.findElement(By.id("user")).getText());
        browser.findElement(By.id("reason")).sendKeys("report read at the identity provider's say-so");
        browser.findElement(By.id("approve")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "APPROVED"));
        assertTrue(browser.findElement(By.id("decision")).getText().contains("by kc-reviewer"));

        ReviewItem item = gate.queue().get(id).orElseThrow();
        assertEquals(ReviewStatus.APPROVED, item.status());
        assertEquals("kc-reviewer", item.decidedBy());
        List<AuditEvent> decisions = gate.trail().forPackage(id).stream()
                .filter(e -> e.action() == AuditAction.REVIEW_APPROVED).toList();
        assertEquals(1, decisions.size());
        assertEquals("kc-reviewer", decisions.get(0).actor());
        assertEquals(audited.pkg().manifestSha256(), decisions.get(0).manifestSha256());

        // Sign out ends the session at Keycloak as well: the next visit asks for the password again.
        browser.findElement(By.cssSelector("header form button")).click();
        wait.until(ExpectedConditions.urlContains("/review/login"));
        browser.get(base + "review/packages");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kc-login")));
        assertTrue(browser.getCurrentUrl().startsWith(keycloakUrl()), browser.getCurrentUrl());
    }

    @Test
    void aProviderUserWithoutEitherRoleIsRefused() throws Exception {
        HttpResponse<String> landed = signInThroughKeycloak("kc-nobody", newClient());
        assertEquals(403, landed.statusCode(), "signed in at Keycloak, but neither reviewer nor administrator");
        assertTrue(landed.uri().toString().startsWith(base.toString()), landed.uri().toString());
    }

    @Test
    void forgedPostsAreRefusedForProviderSessions() throws Exception {
        ReviewFixture.Audited audited = ReviewFixture.get().build();
        String id = audited.pkg().id();
        gate.submit(audited.pkg(), audited.verdict(), "test");
        HttpClient client = newClient();
        HttpResponse<String> list = signInThroughKeycloak("kc-reviewer", client);
        assertEquals(200, list.statusCode());
        Matcher m = CSRF.matcher(list.body());
        assertTrue(m.find(), "the page carries a CSRF token");
        String token = m.group(1);
        Map<String, String> form = Map.of("decision", "approve", "reason", "forged",
                "manifest_sha256", audited.pkg().manifestSha256());

        assertEquals(403, client.send(decision(id, form, null), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "no token");
        assertEquals(403, client.send(decision(id, with(form, "csrf", "x" + token), null),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "wrong token");
        assertEquals(403, client.send(decision(id, with(form, "csrf", token), "http://evil.example"),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "cross-origin");
        assertEquals(ReviewStatus.PENDING, gate.queue().get(id).orElseThrow().status());

        HttpResponse<String> ok = client.send(decision(id, with(form, "csrf", token), null),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), "the genuine form is accepted (and redirected to the package)");
        assertEquals("kc-reviewer", gate.queue().get(id).orElseThrow().decidedBy());
    }

    @Test
    void aProviderAdministratorExportsTheTrailAndHealthNeedsNoSignIn() throws Exception {
        HttpClient client = newClient();
        assertEquals(200, signInThroughKeycloak("kc-admin", client).statusCode());
        HttpResponse<String> export = client.send(HttpRequest.newBuilder(URI.create(base + "review/audit.jsonl"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, export.statusCode());
        assertTrue(export.headers().firstValue("X-Audit-Chain").orElse("").startsWith("intact"));
        AuditEvent last = gate.trail().list().stream().reduce((a, b) -> b).orElseThrow();
        assertEquals(AuditAction.AUDIT_EXPORT, last.action());
        assertEquals("kc-admin", last.actor());

        // A reviewer from the provider may not export.
        HttpClient reviewer = newClient();
        assertEquals(200, signInThroughKeycloak("kc-reviewer", reviewer).statusCode());
        assertEquals(403, reviewer.send(HttpRequest.newBuilder(URI.create(base + "review/audit.jsonl")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        // Monitoring is not sent to the identity provider.
        HttpClient anonymous = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> health = anonymous.send(HttpRequest.newBuilder(URI.create(base + "q/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(health.statusCode() == 200 || health.statusCode() == 503, "health: " + health.statusCode());
        assertTrue(health.body().contains("\"status\""), health.body());
        // An unauthenticated page request is sent to Keycloak, not to the form.
        HttpResponse<String> page = anonymous.send(HttpRequest.newBuilder(URI.create(base + "review/packages"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, page.statusCode());
        assertTrue(page.headers().firstValue("Location").orElse("").startsWith(keycloakUrl()),
                page.headers().toString());
        assertNotEquals(-1, page.headers().firstValue("Location").orElse("").indexOf("client_id=distillery"));
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().cookieHandler(new LoopbackCookies())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /**
     * Keycloak marks its login cookies Secure. Browsers treat http://127.0.0.1 as a secure context and send them
     * back; java.net's CookieManager only does so over https, so it keeps them as if they were not Secure.
     */
    private static final class LoopbackCookies extends CookieManager {
        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws IOException {
            Map<String, List<String>> plain = new HashMap<>();
            headers.forEach((name, values) -> plain.put(name, name != null && name.equalsIgnoreCase("Set-Cookie")
                    ? values.stream().map(c -> c.replaceAll("(?i);\\s*Secure(?=;|$)", "")).toList() : values));
            super.put(uri, plain);
        }
    }

    /** The authorization-code flow as a browser does it: our page, Keycloak's login form, back to our page. */
    private HttpResponse<String> signInThroughKeycloak(String user, HttpClient client) throws Exception {
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(base + "review/packages")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode());
        assertTrue(login.uri().toString().startsWith(keycloakUrl()), "sent to Keycloak: " + login.uri());
        Matcher action = KEYCLOAK_FORM.matcher(login.body());
        assertTrue(action.find(), "Keycloak's login form");
        String form = "username=" + enc(user) + "&password=" + enc(password()) + "&credentialId=";
        return client.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest decision(String id, Map<String, String> form, String origin) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "review/packages/" + id + "/decision"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"))));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.build();
    }

    private static Map<String, String> with(Map<String, String> form, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(form);
        m.put(key, value);
        return m;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
