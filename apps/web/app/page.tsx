export default function Home() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-16">
      <h1 className="text-3xl font-semibold tracking-tight">GGUF Cloud</h1>
      <p className="mt-4 text-zinc-600 dark:text-zinc-400">
        Deploy GGUF models on your own GPU servers and call each deployment with the OpenAI SDK, the Anthropic SDK or Claude Code.
      </p>
    </main>
  );
}
