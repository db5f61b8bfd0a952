package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.dicom.net.DuplicatePolicy;
import java.io.InputStream;
import org.apache.camel.CamelContext;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;

/** The build-time metadata of the dicom component: service entry, JSON schema, generated configurers. */
class DicomComponentMetadataTest {

    @Test
    void jsonSchemaDocumentsEveryEndpointOption() throws Exception {
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/io/distillery/camel/dicom.json")) {
            assertNotNull(in, "dicom.json not generated");
            schema = new ObjectMapper().readTree(in);
        }
        assertEquals("dicom:operation", schema.path("component").path("syntax").asText());
        JsonNode props = schema.path("properties");
        for (String option : new String[] {"operation", "aet", "port", "bindAddress", "spoolDirectory",
                "allowedCallingAets", "minFreeSpace", "duplicatePolicy", "remote", "url", "tlsKeyStorePassword"}) {
            assertTrue(props.has(option), "option missing from schema: " + option);
            assertTrue(props.path(option).path("description").asText().length() > 10, "undocumented: " + option);
        }
        assertTrue(props.path("tlsKeyStorePassword").path("secret").asBoolean());
        assertEquals("consumer", props.path("spoolDirectory").path("group").asText());
        assertTrue(schema.path("headers").has("DicomStudyInstanceUID"));
    }

    @Test
    void endpointIsConfiguredThroughTheGeneratedConfigurer() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            assertInstanceOf(DicomEndpointConfigurer.class, PluginHelper.getConfigurerResolver(camel)
                    .resolvePropertyConfigurer("dicom-endpoint", camel));
            DicomEndpoint e = camel.getEndpoint("dicom:scp?aet=GW&port=0&duplicatePolicy=REJECT&minFreeSpace=1024"
                    + "&spoolDirectory=/tmp/x", DicomEndpoint.class);
            assertEquals(DicomOperation.scp, e.getOperation());
            assertEquals("GW", e.getAet());
            assertEquals(DuplicatePolicy.REJECT, e.getDuplicatePolicy());
            assertEquals(1024, e.getMinFreeSpace());
            ResolveEndpointFailedException unknown = assertThrows(ResolveEndpointFailedException.class,
                    () -> camel.getEndpoint("dicom:scp?noSuchOption=1"));
            assertTrue(unknown.getMessage().contains("noSuchOption"));
            assertThrows(ResolveEndpointFailedException.class, () -> camel.getEndpoint("dicom:teleport"));
        }
    }
}
