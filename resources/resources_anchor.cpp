// The icons are compiled in as Qt resources; this file gives the library a source.
namespace tidemark::resources {
int anchor() { return 0; }
} // namespace tidemark::resources
