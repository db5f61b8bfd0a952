package io.distillery.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Durable record of accepted samples and parked instances, with cohort views. */
public interface SampleStore extends AutoCloseable {

    /**
     * Records a sample in one transaction. Returns false when a sample with the same key is already stored (the same
     * SOP instance received twice is one sample); the stored one is kept unchanged.
     */
    boolean put(Sample sample);

    Optional<Sample> get(String key);

    long count();

    /** Sample counts per label. */
    Map<String, Long> countsByLabel();

    /** Sample counts per label, then per modality. */
    Map<String, Map<String, Long>> countsByLabelAndModality();

    /** Samples of the given labels (all labels when empty), ordered by key. */
    List<Sample> cohort(List<String> labels);

    /** Parks an instance that cannot become a sample; parking the same key again updates the reason. */
    void park(ParkedInstance parked);

    long parkedCount();

    List<ParkedInstance> parked();

    @Override
    void close();
}
