/** Parsers for whole-number options: commander reports a rejected value with the option's name. */
import { InvalidArgumentError } from 'commander';

/** A parser accepting whole numbers ≥ `min`. */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expects a whole number ≥ ${min}`);
    return n;
  };
}
