package io.distillery.review.web;

import io.distillery.review.AuditTrail;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import javax.sql.DataSource;

/** The audit trail and the review gate on the gateway's one store database (see gateway.StoreBeans). */
@ApplicationScoped
public class ReviewBeans {

    @Produces
    @ApplicationScoped
    AuditTrail auditTrail(DataSource dataSource) {
        return new AuditTrail(dataSource);
    }

    @Produces
    @ApplicationScoped
    ReviewGate reviewGate(ReviewQueue queue, AuditTrail trail) {
        return new ReviewGate(queue, trail);
    }
}
