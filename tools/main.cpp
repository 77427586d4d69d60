#include <cstdio>
int main() { std::puts("evidence: under construction"); return 0; }
