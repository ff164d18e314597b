package dev.focus.data;

/** Which part of a dataset a batch comes from. Train and validation never share examples by construction. */
public enum Split {
  TRAIN, VALIDATION;

  /** Salt mixed into example seeds so the two splits draw independent streams. */
  long salt() { return this == TRAIN ? 0x5452414EL : 0x56414C49L; }
}
