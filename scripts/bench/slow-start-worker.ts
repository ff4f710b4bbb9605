// The hello-world baseline plus work at module load (7 to 10 ms of CPU on the 2-core machine this was written on): the
// regression the startup ratio must catch; the benchmark prints how large it reads (scripts/bench.ts).
import { Hono } from 'hono'

let state = 1
for (let index = 0; index < 100_000; index++) state = (Math.imul(state, 48271) + index) % 2147483647

const app = new Hono()

app.get('/', (c) => c.text(`Hello Hono! ${state}`))

export default app
