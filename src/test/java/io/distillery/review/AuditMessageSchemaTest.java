package io.distillery.review;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.thaiopensource.util.PropertyMapBuilder;
import com.thaiopensource.validate.ValidateProperty;
import com.thaiopensource.validate.ValidationDriver;
import com.thaiopensource.validate.rng.CompactSchemaReader;
import java.io.StringReader;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

/**
 * Every kind of audit message we send validates against the audit message schema of DICOM PS3.15 Annex A.5.1.1
 * (RELAX NG compact syntax, test resource {@code ps3.15-a.5.1.1-audit-message.rnc}) with Jing, and the validator is
 * shown to reject a message that breaks the schema, so a pass means something.
 */
class AuditMessageSchemaTest {
    private static final String SCHEMA = "/io/distillery/review/ps3.15-a.5.1.1-audit-message.rnc";
    private static final List<String> errors = new ArrayList<>();
    private static ValidationDriver driver;

    @BeforeAll
    static void loadSchema() throws Exception {
        PropertyMapBuilder properties = new PropertyMapBuilder();
        properties.put(ValidateProperty.ERROR_HANDLER, new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
            }

            @Override
            public void error(SAXParseException e) {
                errors.add(e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) {
                errors.add(e.getMessage());
            }
        });
        driver = new ValidationDriver(properties.toPropertyMap(), CompactSchemaReader.getInstance());
        String url = AuditMessageSchemaTest.class.getResource(SCHEMA).toExternalForm();
        assertTrue(driver.loadSchema(new InputSource(url)), "schema does not load: " + errors);
    }

    @Test
    void everyActionWithAndWithoutPackageIsAValidDicomAuditMessage() throws Exception {
        AuditSyslog syslog = new AuditSyslog("127.0.0.1", 514, AuditSyslog.Protocol.UDP, "distillery");
        Instant when = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (AuditAction action : AuditAction.values()) {
            for (String pkg : new String[] {null, "P-1 <&\"x\">"}) {
                AuditEvent e = new AuditEvent(7, when, "alice & \"<bob>\"", action, pkg,
                        pkg == null ? null : "ab".repeat(32), "{\"reason\":\"<ok> & fine\"}", "00".repeat(32),
                        "ff".repeat(32));
                String xml = syslog.auditMessage(e);
                assertTrue(valid(xml), action + (pkg == null ? "" : " with package") + ": " + errors + "\n" + xml);
            }
        }
    }

    @Test
    void theValidatorRejectsAMessageThatBreaksTheSchema() throws Exception {
        AuditSyslog syslog = new AuditSyslog("127.0.0.1", 514, AuditSyslog.Protocol.UDP, "distillery");
        String good = syslog.auditMessage(new AuditEvent(1, Instant.now(), "alice", AuditAction.REVIEW_APPROVED,
                "P-1", "ab".repeat(32), "{}", "00".repeat(32), "ff".repeat(32)));
        assertTrue(valid(good), errors.toString());
        // EventOutcomeIndicator has four allowed values; 3 is not one of them
        assertFalse(valid(good.replace("EventOutcomeIndicator=\"0\"", "EventOutcomeIndicator=\"3\"")));
        // AuditSourceIdentification is mandatory
        assertFalse(valid(good.replaceAll("<AuditSourceIdentification.*?</AuditSourceIdentification>", "")));
    }

    private static boolean valid(String xml) throws Exception {
        errors.clear();
        return driver.validate(new InputSource(new StringReader(xml)));
    }
}
