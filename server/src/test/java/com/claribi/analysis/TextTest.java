package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.analysis.Text.Kind;
import com.claribi.analysis.Text.Token;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTest {
    private static List<String> read(String question) {
        return Text.tokenize(question).stream()
                .map(t -> t.kind() == Kind.NUMBER ? "#" + t.number().toPlainString() : t.text())
                .toList();
    }

    @Test
    void numbersSaidInWordsBecomeNumbersButSmallOnesAloneStayWords() {
        assertThat(read("over five thousand dollars")).containsExactly("over", "#5000", "dollars");
        assertThat(read("under twenty-five or ninety nine hundred")).containsExactly("under", "#25", "or", "#9900");
        assertThat(read("fifty bucks, fifteen units, two million"))
                .containsExactly("#50", "bucks", "#15", "units", "#2000000");
        // "top three", "which one": a count or a pronoun, read where they stand
        assertThat(read("which one of the top three")).containsExactly("which", "one", "of", "the", "top", "three");
        // words that merely contain a number word are left alone
        assertThat(read("someone tenfold fiftyish")).containsExactly("someone", "tenfold", "fiftyish");
    }

    @Test
    void gimmeIsGive() {
        assertThat(Text.tokenize("gimme revenue")).extracting(Token::text).containsExactly("give", "revenue");
    }
}
