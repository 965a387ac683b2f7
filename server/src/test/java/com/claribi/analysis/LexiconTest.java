package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LexiconTest {
    private static final ColumnInfo COUNTRY = new ColumnInfo(
            "country",
            "VARCHAR",
            ColumnRole.DIMENSION,
            List.of("United States", "United Kingdom", "Germany"),
            3,
            "Germany",
            "United States");
    private static final ColumnInfo SKU =
            new ColumnInfo("sku", "VARCHAR", ColumnRole.IDENTIFIER, List.of(), 100, "SKU-1001", "SKU-1100");
    private static final Lexicon LEXICON =
            Lexicon.of(new TableSchema("ds_1", "Orders", "orders", List.of(COUNTRY, SKU), 100));

    private static List<String> valuesIn(String question) {
        List<Text.Token> tokens = Text.tokenize(question);
        return LEXICON.mentions(tokens, new boolean[tokens.size()], Set.of()).stream()
                .filter(mention -> mention.kind() == Lexicon.MatchKind.VALUE)
                .map(Lexicon.Mention::value)
                .toList();
    }

    @Test
    void aMultiWordValueIsFoundByItsInitials() {
        assertThat(Lexicon.initialism("United Kingdom")).hasValue("uk");
        assertThat(Lexicon.initialism("B2B Leads")).isEmpty();
        assertThat(Lexicon.initialism("Germany")).isEmpty();
        assertThat(valuesIn("revenue in the UK")).containsExactly("United Kingdom");
        assertThat(valuesIn("USA revenue")).containsExactly("United States");
    }

    @Test
    void initialsHaveNoPluralForm() {
        assertThat(valuesIn("revenue in the UKs")).isEmpty();
    }

    @Test
    void initialsThatAreEverydayWordsCountOnlyAfterThe() {
        assertThat(valuesIn("revenue in the US")).containsExactly("United States");
        assertThat(valuesIn("what did Acme buy from us")).isEmpty();
    }

    @Test
    void aPluralTheStemmerLeavesAloneFindsItsColumn() {
        List<Text.Token> tokens = Text.tokenize("how many SKUs are there");
        assertThat(LEXICON.mentions(tokens, new boolean[tokens.size()], Set.of()))
                .extracting(mention -> mention.column().name())
                .contains("sku");
    }
}
