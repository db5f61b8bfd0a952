package io.distillery.review.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.review.AuditAction;
import io.distillery.review.AuditEvent;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewItem;
import io.distillery.review.ReviewStatus;
import io.distillery.share.SharePackage;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.core.CamelRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review page in a real browser: Debian's chromium, headless, driven through /usr/bin/chromedriver (never a
 * downloaded driver; every non-loopback request goes to a dead proxy). A reviewer opens a pending package, is sent
 * to sign in, comes back to it, reads the report and approves; the approval is in the queue and in the audit trail
 * with the manifest hash, and the shipped routes/outbound.yaml then exports the package to the default folder
 * destination, which the audit trail records too.
 */
@QuarkusTest
@TestProfile(ReviewTestProfile.class)
class ReviewPageBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    ReviewGate gate;

    @Inject
    CamelRuntime runtime;

    @Inject
    CamelContext camel;

    private WebDriver browser;

    @BeforeEach
    void startBrowser() {
        browser = HeadlessChromium.start();
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aReviewerSignsInOpensAPendingPackageApprovesItAndItIsExported() throws Exception {
        // Our @QuarkusMain switches off Camel's auto-start (the serve command starts it); do what serve does.
        if (!camel.isStarted()) {
            runtime.start(new String[0]);
        }
        ReviewFixture.Audited audited = ReviewFixture.get().build();
        String id = audited.pkg().id();
        gate.submit(audited.pkg(), audited.verdict(), "test");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        browser.get(base + "review/packages/" + id);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(ReviewTestProfile.REVIEWER);
        browser.findElement(By.id("password")).sendKeys(ReviewTestProfile.PASSWORD);
        browser.findElement(By.id("login")).click();

        wait.until(ExpectedConditions.textToBe(By.id("package-id"), id));
        assertEquals("PENDING", browser.findElement(By.id("status")).getText());
        assertEquals(audited.pkg().manifestSha256(), browser.findElement(By.id("manifest-sha256")).getText());
        assertEquals(ReviewTestProfile.REVIEWER, browser.findElement(By.id("user")).getText());
        assertTrue(browser.findElement(By.id("cohort-labels")).getText().contains("train"));
        browser.switchTo().frame(browser.findElement(By.id("report")));
        assertTrue(browser.findElement(By.tagName("h1")).getText().contains("Privacy audit of package " + id),
                "the privacy-audit report is shown beside the decision");
        browser.switchTo().defaultContent();

        browser.findElement(By.id("reason")).sendKeys("report read: no identifiers, no near copies");
        browser.findElement(By.id("approve")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "APPROVED"));
        assertTrue(browser.findElement(By.id("decision")).getText().contains("by " + ReviewTestProfile.REVIEWER));
        assertTrue(browser.findElements(By.className("audit-action")).stream()
                .anyMatch(e -> e.getText().equals("REVIEW_APPROVED")), "the page shows the recorded decision");

        ReviewItem item = gate.queue().get(id).orElseThrow();
        assertEquals(ReviewStatus.APPROVED, item.status());
        assertEquals(ReviewTestProfile.REVIEWER, item.decidedBy());
        assertTrue(gate.queue().list(ReviewStatus.APPROVED).stream().anyMatch(i -> i.packageId().equals(id)),
                "outbound sees the package among the approved ones");

        // The export: outbound's folder route delivers the approved package and the trail records it.
        Path exported = ReviewTestProfile.DIR.resolve("outbound").resolve(id).resolve(SharePackage.MANIFEST);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        List<AuditEvent> events = gate.trail().forPackage(id);
        while (events.size() < 3 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            events = gate.trail().forPackage(id);
        }
        assertEquals(List.of(AuditAction.PACKAGE_SUBMITTED, AuditAction.REVIEW_APPROVED, AuditAction.DELIVERY),
                events.stream().map(AuditEvent::action).toList());
        AuditEvent decision = events.get(1);
        assertEquals(ReviewTestProfile.REVIEWER, decision.actor());
        assertEquals(audited.pkg().manifestSha256(), decision.manifestSha256());
        assertTrue(decision.details().contains("no near copies"), decision.details());
        AuditEvent delivery = events.get(2);
        assertEquals(audited.pkg().manifestSha256(), delivery.manifestSha256());
        assertTrue(delivery.details().contains("\"destination\":\"folder\""), delivery.details());
        assertArrayEquals(Files.readAllBytes(audited.pkg().dir().resolve(SharePackage.MANIFEST)),
                Files.readAllBytes(exported), "the exported manifest is the approved one");
        assertTrue(gate.trail().verify().intact());
    }
}
