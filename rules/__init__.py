"""Rules as data: parameters, the evaluator of rule definitions (knowledge/rules/*.yaml), its operations and primitives. Imports only lang."""
