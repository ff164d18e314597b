package dev.focus.multimodal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class InfoAuditTest {
  @Test
  void reproducesTheArticlesVocabularyNumbers() {
    double bits = InfoAudit.imageBits(64, 64, 3, 3);
    assertEquals(36864, bits, 0);
    assertEquals(36, InfoAudit.minLog2Vocab(bits, 1024), 1e-12);
    assertEquals(144, InfoAudit.minLog2Vocab(bits, 256), 1e-12);
    assertEquals(BigInteger.ONE.shiftLeft(36), InfoAudit.minVocab(bits, 1024));
    assertEquals(new BigInteger("68719476736"), InfoAudit.minVocab(bits, 1024));
    assertEquals(2.23e43, InfoAudit.minVocab(bits, 256).doubleValue(), 0.01e43);
    double bits344 = InfoAudit.imageBits(64, 64, 3, 3.44);
    assertEquals(42270.72, bits344, 1e-9);
    assertEquals(41.28, InfoAudit.minLog2Vocab(bits344, 1024), 1e-12);
    assertEquals(2304, InfoAudit.minLog2Vocab(InfoAudit.imageBits(256, 256, 3, 3), 256), 1e-12);
  }

  @Test
  void demoTokenizerCapacities() {
    assertEquals(32, InfoAudit.capacityBits(16, 4), 1e-12);
    assertEquals(64, InfoAudit.capacityBits(16, 16), 1e-12);
    assertEquals(96, InfoAudit.capacityBits(16, 64), 1e-12);
    assertEquals(128, InfoAudit.capacityBits(16, 256), 1e-12);
    assertEquals(261.6, InfoAudit.capacityBits(64, 17), 0.05);
  }

  @Test
  void rejectsNonPositiveOrNonFiniteArguments() {
    assertThrows(IllegalArgumentException.class, () -> InfoAudit.imageBits(0, 64, 3, 3));
    assertThrows(IllegalArgumentException.class, () -> InfoAudit.imageBits(64, 64, 3, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> InfoAudit.minLog2Vocab(100, -1));
    assertThrows(IllegalArgumentException.class, () -> InfoAudit.capacityBits(16, Double.POSITIVE_INFINITY));
  }
}
