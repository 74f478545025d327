// ESLint flat config, run by `npm run lint` (scripts/lint.sh) in CI. Layout is Prettier's job (.prettierrc.json):
// nothing here is about spaces or quotes. The rule sets are @eslint/js and typescript-eslint "recommended", plus
// three type-aware promise rules; the whole type-aware set is left for later (docs/architecture.md, "House style").
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    // Generated or not ours: build output, dbt's folders, and this file itself (plain JavaScript).
    { ignores: ["node_modules/", "bin/", "ecom_analytics/", "**/*.js", "**/*.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        linterOptions: { reportUnusedDisableDirectives: "error" },
        rules: {
            // A promise nobody awaits loses its rejection. node:test's describe/it return promises the runner tracks.
            "@typescript-eslint/no-floating-promises": [
                "error",
                {
                    allowForKnownSafeCalls: [
                        { from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] },
                    ],
                },
            ],
            "@typescript-eslint/no-misused-promises": "error",
            "@typescript-eslint/await-thenable": "error",
            // `_name` marks a binding kept on purpose (a callback's position, a key dropped by a rest pattern).
            "@typescript-eslint/no-unused-vars": [
                "error",
                {
                    argsIgnorePattern: "^_",
                    varsIgnorePattern: "^_",
                    caughtErrorsIgnorePattern: "^_",
                    destructuredArrayIgnorePattern: "^_",
                    ignoreRestSiblings: true,
                },
            ],
            // Off: errors are rethrown as a new message naming the cause and the fix; attaching `cause` changes what
            // Node and Pulumi print, which is a deliberate change of its own, not a lint pass.
            "preserve-caught-error": "off",
            // The one length rule Prettier cannot satisfy alone (it never breaks comments): lines over its width fail,
            // except long strings, template literals, regular expressions and URLs, which it leaves whole.
            "max-len": [
                "error",
                {
                    code: 120,
                    tabWidth: 4,
                    ignoreUrls: true,
                    ignoreStrings: true,
                    ignoreTemplateLiterals: true,
                    ignoreRegExpLiterals: true,
                },
            ],
        },
    },
);
