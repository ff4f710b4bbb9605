// Every article page's path, in reading order: shared by the tests inside workerd and those in Node.
export const PAGE_PATHS = [
  '/',
  '/understanding-muscle-soreness',
  '/exploring-kratom',
  '/dosage-and-safety',
  '/conclusion',
  '/full-article',
]
