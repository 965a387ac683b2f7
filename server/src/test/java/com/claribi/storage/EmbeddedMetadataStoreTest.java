package com.claribi.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.testsupport.MetadataStores;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedMetadataStoreTest extends MetadataStoreContract {
    @Override
    MetadataStores kind() {
        return MetadataStores.EMBEDDED;
    }

    @Override
    int poolSize() {
        return EmbeddedMetadataStore.POOL_SIZE;
    }

    @Test
    void keepsItsFileUnderTheMetadataFolder() {
        assertThat(folder.resolve("metadata/claribi.mv.db")).isRegularFile();
    }

    @Test
    void dataSurvivesClosingAndReopening() {
        store.jdbi().useHandle(handle -> handle.execute("INSERT INTO contract_probe (name) VALUES ('kept')"));
        store.close();

        store = kind().open(folder);

        List<String> names = store.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT name FROM contract_probe")
                        .mapTo(String.class)
                        .list());
        assertThat(names).containsExactly("kept");
    }
}
