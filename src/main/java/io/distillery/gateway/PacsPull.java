package io.distillery.gateway;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.Tag;
import io.distillery.store.JdbcSampleStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;

/**
 * Beans of routes/pacs-pull.yaml: {@code pacsPull.studyUids} turns a C-FIND result into the studies' UIDs, and
 * {@code pulledStudies} remembers which studies were retrieved, in the store's database (table
 * CAMEL_MESSAGEPROCESSED of V5__pacs_pull.sql), so a study is moved once even across restarts and replicas.
 */
@ApplicationScoped
@Named("pacsPull")
public class PacsPull {

    /** The Study Instance UIDs of C-FIND matches, in the PACS's order; a match without one is skipped. */
    public List<String> studyUids(List<Attributes> matches) {
        return matches.stream().map(a -> a.getString(Tag.StudyInstanceUID)).filter(Objects::nonNull).distinct()
                .toList();
    }

    // @Singleton: Camel must see the repository itself (a Service it starts, which creates its table).
    @Produces
    @Singleton
    @Named("pulledStudies")
    IdempotentRepository pulledStudies(DataSource store, JdbcSampleStore migrated) {
        // The table comes from db/store/V5__pacs_pull.sql, applied when the sample store opened (a parameter here
        // so that it opens first).
        JdbcMessageIdRepository repository = new JdbcMessageIdRepository(store, "pacs-pull");
        repository.setCreateTableIfNotExists(false);
        return repository;
    }
}
