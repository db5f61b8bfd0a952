package io.distillery.review.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.review.AuditAction;
import io.distillery.review.AuditEvent;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewStatus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The review page's rules over plain HTTP: sign-in required, roles enforced, forged or cross-origin posts refused,
 * a rejection needs a reason, a package whose manifest changed after queueing cannot be approved, and only an
 * administrator exports the audit trail (which records the export).
 */
@QuarkusTest
@TestProfile(ReviewTestProfile.class)
class ReviewPageSecurityTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TestHTTPResource("/")
    URL base;

    @Inject
    ReviewGate gate;

    private HttpClient signedIn(String user) throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = client.send(post("j_security_check",
                Map.of("j_username", user, "j_password", ReviewTestProfile.PASSWORD), null), body());
        assertEquals(302, r.statusCode(), "sign-in of " + user);
        assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/review/packages"), r.headers().toString());
        return client;
    }

    private HttpRequest post(String path, Map<String, String> form, String origin) {
        String encoded = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encoded));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.build();
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), body());
    }

    private static HttpResponse.BodyHandler<String> body() {
        return HttpResponse.BodyHandlers.ofString();
    }

    private static String csrfOf(String page) {
        Matcher m = CSRF.matcher(page);
        assertTrue(m.find(), "the page carries a CSRF token");
        return m.group(1);
    }

    private Map<String, String> decision(String hash, String decision, String reason, String csrf) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("manifest_sha256", hash);
        f.put("decision", decision);
        f.put("reason", reason);
        f.put("csrf", csrf);
        return f;
    }

    @Test
    void decisionsNeedASignedInReviewerATokenAndTheUnchangedManifest() throws Exception {
        ReviewFixture.Audited a = ReviewFixture.get().build();
        String id = a.pkg().id();
        String hash = a.pkg().manifestSha256();
        gate.submit(a.pkg(), a.verdict(), "test");
        String decide = "review/packages/" + id + "/decision";

        HttpClient anonymous = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = get(anonymous, "review/packages/" + id);
        assertEquals(302, r.statusCode());
        assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/review/login"));
        assertEquals(302, anonymous.send(post(decide, decision(hash, "approve", "", "x"), null), body()).statusCode());

        assertEquals(403, get(signedIn(ReviewTestProfile.NOBODY), "review/packages").statusCode(),
                "signed in without the reviewer or administrator role");

        HttpClient alice = signedIn(ReviewTestProfile.REVIEWER);
        String page = get(alice, "review/packages/" + id).body();
        assertTrue(page.contains(hash));
        String token = csrfOf(page);
        assertEquals(403, alice.send(post(decide, decision(hash, "approve", "", "forged"), null), body()).statusCode());
        assertEquals(403, alice.send(post(decide, decision(hash, "approve", "", token), "http://evil.example"), body())
                .statusCode(), "a cross-origin post is refused even with a token");
        r = alice.send(post(decide, decision(hash, "reject", " ", token), null), body());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("a rejection needs a reason"));
        assertEquals(403, get(alice, "review/audit.jsonl").statusCode(), "a reviewer does not export the trail");
        assertEquals(ReviewStatus.PENDING, gate.queue().get(id).orElseThrow().status());

        // The files change after queueing: the page warns and a decision is refused (and recorded as a failure).
        Path manifest = a.pkg().dir().resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"created\"", "\"created\" "));
        r = alice.send(post(decide, decision(hash, "approve", "", token), null), body());
        assertEquals(409, r.statusCode());
        assertTrue(r.body().contains("is not the reviewed one"), r.body());
        assertEquals(ReviewStatus.PENDING, gate.queue().get(id).orElseThrow().status());
        assertEquals(List.of(AuditAction.PACKAGE_SUBMITTED, AuditAction.FAILURE),
                gate.trail().forPackage(id).stream().map(AuditEvent::action).toList());
    }

    @Test
    void aReviewerRejectsWithAReasonAndAnAdministratorExportsTheTrail() throws Exception {
        ReviewFixture.Audited a = ReviewFixture.get().build();
        String id = a.pkg().id();
        gate.submit(a.pkg(), a.verdict(), "test");
        HttpClient alice = signedIn(ReviewTestProfile.REVIEWER);
        String token = csrfOf(get(alice, "review/packages").body());
        HttpResponse<String> r = alice.send(post("review/packages/" + id + "/decision",
                decision(a.pkg().manifestSha256(), "reject", "soft labels look like copies", token), null), body());
        assertEquals(303, r.statusCode());
        assertEquals(ReviewStatus.REJECTED, gate.queue().get(id).orElseThrow().status());
        assertTrue(gate.queue().list(ReviewStatus.APPROVED).stream().noneMatch(i -> i.packageId().equals(id)),
                "a rejected package never reaches outbound");

        HttpClient root = signedIn(ReviewTestProfile.ADMIN);
        r = get(root, "review/audit.jsonl");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("X-Audit-Chain").orElse("").startsWith("intact"));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = r.body().lines().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + l, e);
            }
        }).toList();
        JsonNode rejection = lines.stream().filter(l -> l.path("package_id").asText().equals(id)
                && l.path("action").asText().equals("REVIEW_REJECTED")).findFirst().orElseThrow();
        assertEquals(ReviewTestProfile.REVIEWER, rejection.path("actor").asText());
        assertEquals(a.pkg().manifestSha256(), rejection.path("manifest_sha256").asText());
        assertEquals("soft labels look like copies", rejection.at("/details/reason").asText());
        AuditEvent export = gate.trail().list().get(gate.trail().list().size() - 1);
        assertEquals(AuditAction.AUDIT_EXPORT, export.action(), "taking a copy of the trail is itself recorded");
        assertEquals(ReviewTestProfile.ADMIN, export.actor());
    }
}
