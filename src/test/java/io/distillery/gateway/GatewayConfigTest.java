package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped application.properties against the gateway's mappings, the way Quarkus checks them at start: it
 * validates as is, other capabilities' {@code distillery.*} groups pass, and a mistyped key in a gateway group is
 * refused with its name.
 */
class GatewayConfigTest {

    private static SmallRyeConfig config(Map<String, String> overrides) throws IOException {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(
                        GatewayConfigTest.class.getResource("/application.properties"), 100))
                .withSources(new PropertiesConfigSource(overrides, "test", 200))
                .withMapping(GatewayConfig.Store.class).withMapping(GatewayConfig.Labels.class)
                .withMapping(GatewayConfig.Normalize.class).withMapping(GatewayConfig.Deid.class)
                .withMapping(GatewayConfig.Scp.class).withMapping(GatewayConfig.Distillation.class)
                .withMapping(GatewayConfig.Pacs.class).withValidateUnknown(true)
                .build();
    }

    @Test
    void shippedPropertiesValidate() throws IOException {
        SmallRyeConfig c = config(Map.of());
        assertEquals(11112, c.getConfigMapping(GatewayConfig.Scp.class).port());
        assertEquals("data/store", c.getConfigMapping(GatewayConfig.Store.class).dir());
    }

    @Test
    void otherCapabilitiesKeepTheirOwnGroups() throws IOException {
        SmallRyeConfig c = config(Map.of("distillery.outbound.folder", "/tmp/out",
                "distillery.study-aggregation.table", "agg"));
        assertEquals("agg", c.getValue("distillery.study-aggregation.table", String.class));
    }

    @Test
    void privateDistillationIsOffUnlessAnEpsilonIsSet() throws IOException {
        assertTrue(config(Map.of()).getConfigMapping(GatewayConfig.Distillation.class).dpEpsilon().isEmpty());
        GatewayConfig.Distillation d = config(Map.of("distillery.distillation.dp-epsilon", "8"))
                .getConfigMapping(GatewayConfig.Distillation.class);
        assertEquals(8.0, d.dpEpsilon().orElseThrow());
        assertEquals(1e-5, d.dpDelta());
        assertEquals(1.0, d.dpClip());
    }

    private static DistillAndPackage.Settings settings(Map<String, String> overrides) throws IOException {
        return DistillationService.settings(config(overrides).getConfigMapping(GatewayConfig.Distillation.class));
    }

    @Test
    void balancedBatchesAreOnUnlessSetOffOrPrivate() throws IOException {
        assertTrue(settings(Map.of()).balancedBatch());
        assertFalse(settings(Map.of("distillery.distillation.balanced-batch", "false")).balancedBatch());
        DistillAndPackage.Settings dp = settings(Map.of("distillery.distillation.dp-epsilon", "8"));
        assertFalse(dp.balancedBatch());
        assertEquals(8.0, dp.privacy().epsilon());
        Exception e = assertThrows(IllegalArgumentException.class, () -> settings(Map.of(
                "distillery.distillation.dp-epsilon", "8", "distillery.distillation.balanced-batch", "true")));
        assertTrue(e.getMessage().contains("distillery.distillation.balanced-batch"), e.getMessage());
    }

    @Test
    void validationSelectionIsOffUnlessSet() throws IOException {
        assertEquals(0, config(Map.of()).getConfigMapping(GatewayConfig.Distillation.class).selectEvery());
        assertEquals(25, config(Map.of("distillery.distillation.select-every", "25"))
                .getConfigMapping(GatewayConfig.Distillation.class).selectEvery());
    }

    @Test
    void mistypedGatewayKeyIsRefusedByName() {
        Exception e = assertThrows(Exception.class, () -> config(Map.of("distillery.scp.prot", "104")));
        assertTrue(e.getMessage().contains("distillery.scp.prot"), e.getMessage());
    }
}
