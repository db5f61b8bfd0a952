package io.distillery.camel;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Counts the instances of one study for the study-complete signal and keeps nothing else: the aggregated exchange
 * is the study's first instance with an empty body, header {@code DicomInstanceCount} and the study-level headers.
 * Its persisted form stays the same size however large the study grows, whereas
 * {@link StudyInstancesAggregationStrategy} keeps every instance's path and UID, which a JDBC aggregation
 * repository reads and rewrites on every instance: quadratic in the study's size (a 1,000-slice CT study rewrote
 * its list 1,000 times). Use this one when the completed study needs only its UID and count.
 */
public class StudyInstanceCountAggregationStrategy implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        if (oldExchange == null) {
            newExchange.getIn().setBody(null);
            StudyInstancesAggregationStrategy.removeInstanceHeaders(newExchange.getIn());
            newExchange.getIn().removeHeaders("CamelFile*");
            newExchange.getIn().setHeader(StudyInstancesAggregationStrategy.INSTANCE_COUNT, 1);
            return newExchange;
        }
        int count = oldExchange.getIn().getHeader(StudyInstancesAggregationStrategy.INSTANCE_COUNT, 0, Integer.class);
        oldExchange.getIn().setHeader(StudyInstancesAggregationStrategy.INSTANCE_COUNT, count + 1);
        return oldExchange;
    }
}
