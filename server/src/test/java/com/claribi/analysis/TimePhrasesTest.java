package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimePhrasesTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 1, 15);

    private static Window read(String question) {
        List<TimePhrases.Found> found = TimePhrases.find(Text.tokenize(question));
        assertThat(found).as(question).hasSize(1);
        return found.getFirst().resolve().apply(TODAY);
    }

    private static void reads(String question, String start, String end, String label) {
        Window window = read(question);
        assertThat(window.start()).as(question).isEqualTo(LocalDate.parse(start));
        assertThat(window.end()).as(question).isEqualTo(LocalDate.parse(end));
        if (label != null) {
            assertThat(window.label()).as(question).isEqualTo(label);
        }
    }

    @Test
    void aPartOfTheYearBeforeARelativeYearIsOnePhraseInThatYear() {
        reads("orders in q3 last year", "2025-07-01", "2025-09-30", "Q3 2025");
        reads("signups in h1 last yr", "2025-01-01", "2025-06-30", "H1 2025");
        reads("revenue in march last year", "2025-03-01", "2025-03-31", "March 2025");
        // "q4" alone is the most recent Q4 (2025); "this year" puts it in 2026
        reads("revenue in q4 this year", "2026-10-01", "2026-12-31", "Q4 2026");
        assertThat(read("orders in q3 last year").reading()).isEqualTo("'q3 last year' read as Q3 2025");
    }

    @Test
    void absolutePhrasesNeedNoAnchor() {
        reads("revenue on 2025-03-15", "2025-03-15", "2025-03-15", "2025-03-15");
        reads("revenue in March 2025", "2025-03-01", "2025-03-31", "March 2025");
        reads("revenue on March 15, 2025", "2025-03-15", "2025-03-15", null);
        reads("revenue on 15 march 2025", "2025-03-15", "2025-03-15", null);
        reads("revenue in Q3 2024", "2024-07-01", "2024-09-30", "Q3 2024");
        reads("revenue in 2024 q3", "2024-07-01", "2024-09-30", "Q3 2024");
        reads("revenue in the third quarter of 2024", "2024-07-01", "2024-09-30", "Q3 2024");
        reads("revenue in the 2nd quarter of 2025", "2025-04-01", "2025-06-30", "Q2 2025");
        reads("revenue in the 4th quarter of 2024", "2024-10-01", "2024-12-31", "Q4 2024");
        reads("revenue in H1 2025", "2025-01-01", "2025-06-30", "H1 2025");
        reads("revenue in the second half of 2024", "2024-07-01", "2024-12-31", "H2 2024");
        reads("revenue in 2024", "2024-01-01", "2024-12-31", "2024");
        reads("revenue in FY2024", "2024-01-01", "2024-12-31", "2024");
        reads("revenue from January to March 2025", "2025-01-01", "2025-03-31", "Q1 2025");
        reads("revenue between 2025-02-01 and 2025-02-14", "2025-02-01", "2025-02-14", "2025-02-01 to 2025-02-14");
        reads("revenue from Q1 2024 through Q2 2024", "2024-01-01", "2024-06-30", "H1 2024");
        reads("orders in the first week of December 2025", "2025-12-01", "2025-12-07", "2025-12-01 to 2025-12-07");
        reads("orders in the third week of march 2024", "2024-03-15", "2024-03-21", null);
        reads("orders in the last week of February 2024", "2024-02-23", "2024-02-29", null);
        reads("daily revenue from March 1 to March 7, 2025", "2025-03-01", "2025-03-07", null);
        reads("revenue from december 20 to january 5, 2025", "2024-12-20", "2025-01-05", null);
    }

    @Test
    void aDayWithoutAYearIsTheMostRecentOne() {
        reads("revenue on March 3", "2025-03-03", "2025-03-03", null);
        reads("revenue on January 10", "2026-01-10", "2026-01-10", null);
        reads("revenue on February 29", "2024-02-29", "2024-02-29", null);
    }

    @Test
    void relativePhrasesAreCalendarPeriodsBeforeTheAnchor() {
        reads("revenue last quarter", "2025-10-01", "2025-12-31", "Q4 2025");
        reads("revenue this quarter", "2026-01-01", "2026-03-31", "Q1 2026");
        reads("revenue last month", "2025-12-01", "2025-12-31", "December 2025");
        reads("revenue last year", "2025-01-01", "2025-12-31", "2025");
        reads("revenue this year", "2026-01-01", "2026-12-31", "2026");
        reads("revenue last week", "2026-01-05", "2026-01-11", null);
        reads("revenue yesterday", "2026-01-14", "2026-01-14", null);
        reads("revenue in the last 30 days", "2025-12-17", "2026-01-15", null);
        reads("revenue over the past 3 months", "2025-10-16", "2026-01-15", null);
        reads("revenue year to date", "2026-01-01", "2026-01-15", null);
        reads("revenue ytd", "2026-01-01", "2026-01-15", null);
        reads("revenue in march", "2025-03-01", "2025-03-31", "March 2025");
        reads("revenue in q1", "2026-01-01", "2026-03-31", "Q1 2026");
        reads("revenue since October 2025", "2025-10-01", "2026-01-15", null);
        reads("orders in the second week of December", "2025-12-08", "2025-12-14", null);
    }

    @Test
    void relativePhrasesCanBeReReadAgainstAnotherAnchor() {
        TimePhrases.Found found =
                TimePhrases.find(Text.tokenize("revenue this year")).getFirst();
        assertThat(found.relative()).isTrue();
        Window reread = found.resolve().apply(LocalDate.of(2025, 12, 31));
        assertThat(reread.label()).isEqualTo("2025");
        assertThat(reread.reading()).contains("'this year' read as 2025");
    }

    @Test
    void numbersThatAreNotYearsAreLeftAlone() {
        assertThat(TimePhrases.find(Text.tokenize("orders over 2000"))).isEmpty();
        assertThat(TimePhrases.find(Text.tokenize("orders between 1000 and 2000 revenue")))
                .isEmpty();
        assertThat(TimePhrases.find(Text.tokenize("top 5 products"))).isEmpty();
        assertThat(TimePhrases.find(Text.tokenize("we may grow"))).isEmpty();
        assertThat(TimePhrases.find(Text.tokenize("revenue in may 2025"))).hasSize(1);
    }

    @Test
    void invalidDatesAreNotInvented() {
        assertThat(TimePhrases.find(Text.tokenize("revenue on 2025-02-30"))).isEmpty();
        assertThat(TimePhrases.find(Text.tokenize("revenue on february 30 2025")).stream()
                        .map(f -> f.resolve().apply(TODAY).label()))
                .doesNotContain("2025-02-30");
    }
}
