package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void makesPrefixedIdsOfFixedShape() {
        assertThat(Ids.newId("cus")).matches("cus_[0-9a-hjkmnp-tv-z]{26}");
    }

    @Test
    void makesIdsThatSortByCreationTime() throws Exception {
        String earlier = Ids.newId("evt");
        long start = System.nanoTime();
        String later;
        do {
            later = Ids.newId("evt");
        } while (later.substring(0, 14).equals(earlier.substring(0, 14)) && System.nanoTime() - start < 1e9);

        assertThat(later).isGreaterThan(earlier);
    }

    @Test
    void keepsTheOrderOfIdsMadeInOneMillisecond() {
        var ids = IntStream.range(0, 10_000).mapToObj(i -> Ids.newId("evt")).toList();

        assertThat(ids).isSortedAccordingTo(String::compareTo).doesNotHaveDuplicates();
    }

    @Test
    void neverRepeatsAnId() {
        var ids = new HashSet<String>();
        IntStream.range(0, 100_000).forEach(i -> ids.add(Ids.newId("x")));
        assertThat(ids).hasSize(100_000);
    }

    @Test
    void recognisesOnlyItsOwnShape() {
        assertThat(Ids.isId(Ids.newId("key"), "key")).isTrue();
        assertThat(Ids.isId(Ids.newId("key"), "cus")).isFalse();
        assertThat(Ids.isId("key_short", "key")).isFalse();
        assertThat(Ids.isId("key_" + "u".repeat(26), "key")).isFalse();
        assertThat(Ids.isId(null, "key")).isFalse();
    }
}
