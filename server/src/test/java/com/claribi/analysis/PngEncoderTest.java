package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {
    @Test
    void aDecoderReadsBackEveryPixelOfAnAntialiasedDrawing() throws Exception {
        BufferedImage image = new BufferedImage(203, 101, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, 203, 101);
        graphics.setColor(new Color(31, 119, 180));
        graphics.fillOval(10, 10, 120, 70);
        graphics.setColor(new Color(255, 127, 14));
        graphics.drawString("Revenue by region", 20, 95);
        graphics.dispose();
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) { // noise: every byte value and every Sub-filter wrap-around
            image.setRGB(random.nextInt(203), random.nextInt(101), random.nextInt(0x1000000));
        }

        byte[] png = PngEncoder.encode(image);

        assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(decoded.getWidth()).isEqualTo(203);
        assertThat(decoded.getHeight()).isEqualTo(101);
        for (int y = 0; y < 101; y++) {
            for (int x = 0; x < 203; x++) {
                assertThat(decoded.getRGB(x, y) & 0xFFFFFF)
                        .as("pixel %d,%d", x, y)
                        .isEqualTo(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
    }

    @Test
    void refusesImagesWithAnotherLayout() {
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);

        assertThatThrownBy(() -> PngEncoder.encode(argb)).isInstanceOf(IllegalArgumentException.class);
    }
}
