// mimalloc: the pipeline makes many small short-lived allocations; glibc malloc spent ~15% of
// a batch in malloc/free and in page faults from returning memory to the system.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(jixiao::cli::main());
}
