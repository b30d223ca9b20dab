fn main() {
    lapak::start();
}
