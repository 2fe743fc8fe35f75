package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageRequestTest {

    @Test
    void defaultsToTwentyRowsFromTheTop() {
        var request = PageRequest.of(null, null, "key");

        assertThat(request.limit()).isEqualTo(20);
        assertThat(request.afterId()).isNull();
        assertThat(request.fetchSize()).isEqualTo(21);
    }

    @Test
    void pagesOnFromTheLastIdOfAPage() {
        var ids = List.of(Ids.newId("key"), Ids.newId("key"), Ids.newId("key"));
        var first = PageRequest.of(2, null, "key").page(ids, id -> id);

        var next = PageRequest.of(2, first.nextCursor(), "key");

        assertThat(first.data()).containsExactly(ids.get(0), ids.get(1));
        assertThat(first.hasMore()).isTrue();
        assertThat(next.afterId()).isEqualTo(ids.get(1));
    }

    @Test
    void saysThereIsNoMoreWhenTheExtraRowIsMissing() {
        var page = PageRequest.of(2, null, "key").page(List.of("a", "b"), id -> id);

        assertThat(page.hasMore()).isFalse();
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void refusesACursorOfAnotherList() {
        String foreign = PageRequest.encode(Ids.newId("cus"));

        assertThatThrownBy(() -> PageRequest.of(2, foreign, "key")).isInstanceOfSatisfying(TillException.class,
            e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("cursor"));
    }

    @Test
    void listsEveryBadParameterAtOnce() {
        assertThatThrownBy(() -> PageRequest.of(0, "%%%", "key")).isInstanceOfSatisfying(TillException.class,
            e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("limit", "cursor"));
    }
}
