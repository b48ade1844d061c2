package io.eventlake.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.eventlake.console.LineDiff.Change;
import io.eventlake.console.LineDiff.Row;

class LineDiffTest {

    @Test
    void keptLinesLineUpAndWhatDiffersIsChangedAddedOrRemoved() {
        List<Row> rows = LineDiff.of("a\nb\nc\nd", "a\nB\nc\nd\ne");
        assertThat(rows).containsExactly(new Row("a", "a", Change.KEPT), new Row("b", "B", Change.CHANGED),
                new Row("c", "c", Change.KEPT), new Row("d", "d", Change.KEPT), new Row(null, "e", Change.ADDED));
        assertThat(LineDiff.of("a\nx\ny\nb", "a\nb")).containsExactly(new Row("a", "a", Change.KEPT),
                new Row("x", null, Change.REMOVED), new Row("y", null, Change.REMOVED), new Row("b", "b", Change.KEPT));
    }

    @Test
    void identicalTextsAreAllKeptAndTooLongOnesAreNotCompared() {
        assertThat(LineDiff.of("x\ny", "x\ny")).extracting(Row::change).containsOnly(Change.KEPT);
        String huge = "line\n".repeat(LineDiff.MAX_LINES + 1);
        assertThat(LineDiff.of(huge, "line")).isNull();
    }
}
