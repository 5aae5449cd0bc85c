/* STUB: being written. */
