// A shared library that is not a Mirari plugin: it exports a function, but no entry point.
extern "C" __attribute__((visibility("default"))) int mirari_not_a_plugin() {
  return 42;
}
