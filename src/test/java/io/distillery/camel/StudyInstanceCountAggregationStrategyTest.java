package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcCamelCodec;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class StudyInstanceCountAggregationStrategyTest {
    private final CamelContext camel = new DefaultCamelContext();

    private Exchange instance(int i) {
        Exchange e = new DefaultExchange(camel);
        e.getIn().setBody(new File("/spool/" + i + ".dcm"));
        e.getIn().setHeader(DicomConstants.STUDY_INSTANCE_UID, "1.2.3");
        e.getIn().setHeader(DicomConstants.SOP_INSTANCE_UID, "1.2.3.4." + i);
        e.getIn().setHeader(DicomConstants.SERIES_INSTANCE_UID, "1.2.3.5");
        e.getIn().setHeader(DicomConstants.CALLING_AET, "CT1");
        return e;
    }

    @Test
    void countsInstancesAndKeepsOnlyStudyLevelHeaders() {
        AggregationStrategy strategy = new StudyInstanceCountAggregationStrategy();
        Exchange study = null;
        for (int i = 0; i < 3; i++) {
            study = strategy.aggregate(study, instance(i)); // the first arrives with no study yet
        }
        assertEquals(3, study.getIn().getHeader(StudyInstancesAggregationStrategy.INSTANCE_COUNT));
        assertEquals("1.2.3", study.getIn().getHeader(DicomConstants.STUDY_INSTANCE_UID));
        assertEquals("CT1", study.getIn().getHeader(DicomConstants.CALLING_AET));
        assertNull(study.getIn().getHeader(DicomConstants.SOP_INSTANCE_UID), "an instance's UID is not the study's");
        assertNull(study.getIn().getHeader(DicomConstants.SERIES_INSTANCE_UID));
        assertNull(study.getIn().getBody());
    }

    /** What the JDBC repository reads and rewrites per instance must not grow with the study (the list does). */
    @Test
    void thePersistedStudyStaysTheSameSizeAsTheStudyGrows() throws Exception {
        JdbcCamelCodec codec = new JdbcCamelCodec();
        AggregationStrategy counting = new StudyInstanceCountAggregationStrategy();
        AggregationStrategy listing = new StudyInstancesAggregationStrategy();
        Exchange counted = null;
        Exchange listed = null;
        int countedAt10 = 0;
        int listedAt10 = 0;
        for (int i = 0; i < 1000; i++) {
            counted = counting.aggregate(counted, instance(i));
            listed = listing.aggregate(listed, instance(i));
            if (i == 9) {
                countedAt10 = codec.marshallExchange(counted, false).length;
                listedAt10 = codec.marshallExchange(listed, false).length;
            }
        }
        int countedAt1000 = codec.marshallExchange(counted, false).length;
        int listedAt1000 = codec.marshallExchange(listed, false).length;
        assertEquals(1000, counted.getIn().getHeader(StudyInstancesAggregationStrategy.INSTANCE_COUNT));
        assertEquals(countedAt10, countedAt1000, "the count's persisted form grew with the study");
        assertTrue(listedAt1000 > 10 * listedAt10, "the list strategy was expected to grow: " + listedAt10 + " -> "
                + listedAt1000);
    }
}
