package io.distillery.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The {@code studyCompleted} step of routes/modality-ingest.yaml: counts completed studies for /q/metrics. */
@ApplicationScoped
@Named("studyCompleted")
public class StudyCompleted {
    private final Counter completed;

    @Inject
    public StudyCompleted(MeterRegistry registry) {
        completed = Counter.builder("distillery.studies.completed")
                .description("studies signalled complete after their quiet period").register(registry);
    }

    public void record() {
        completed.increment();
    }
}
