package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
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
    void idsOfDifferentPrefixesCompareInTheOrderTheyWereMade() {
        var ids = IntStream.range(0, 10_000).mapToObj(i -> Ids.newId(i % 2 == 0 ? "evt" : "exe")).toList();

        assertThat(ids.stream().map(Ids::made).toList()).isSorted();
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

    /** The 64 low bits of an id's random part, which must be fresh for each id. */
    private static long freshBits(String id) {
        var random = BigInteger.ZERO;
        for (char c : id.substring(id.length() - 16).toCharArray()) {
            random = random.shiftLeft(5).add(BigInteger.valueOf("0123456789abcdefghjkmnpqrstvwxyz".indexOf(c)));
        }
        return random.longValue();
    }

    @Test
    void idsMadeInOneMillisecondTellNothingAboutEachOther() {
        var ids = IntStream.range(0, 10_000).mapToObj(i -> Ids.newId("cus")).toList();

        int sameMillisecond = 0;
        long differingBits = 0;
        for (int i = 1; i < ids.size(); i++) {
            String before = ids.get(i - 1);
            String after = ids.get(i);
            if (!before.substring(0, 14).equals(after.substring(0, 14))) {
                continue;
            }
            sameMillisecond++;
            assertThat(freshBits(after) - freshBits(before)).as("%s follows %s", after, before).isNotEqualTo(1);
            differingBits += Long.bitCount(freshBits(after) ^ freshBits(before));
        }

        assertThat(sameMillisecond).as("ids made within one millisecond").isGreaterThan(100);
        // Independent random 64-bit parts differ in 32 bits on average; a counter in about 2.
        assertThat((double) differingBits / sameMillisecond).isBetween(30.0, 34.0);
    }
}
