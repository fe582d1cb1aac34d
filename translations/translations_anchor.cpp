// The translations are compiled in as Qt resources; this file gives the library a source.
namespace tidemark::translations {
int anchor() { return 0; }
} // namespace tidemark::translations
