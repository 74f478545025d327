/**
 * Turns `mongodb` driver failures into messages a person can act on: which server, what went
 * wrong, what to do. Never prints the password of a URI.
 */
import { MongoInvalidArgumentError, MongoParseError, MongoRuntimeError, MongoServerError, MongoServerSelectionError } from "mongodb";

/** A MongoDB problem explained for the command line (exit code 1). */
export class MongoSetupError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "MongoSetupError";
    }
}

/** `host:port` list of a MongoDB URI, without credentials (the URI itself when unparsable). */
export function describeAddress(uri: string): string {
    const m = /^mongodb(\+srv)?:\/\/(?:[^@/]*@)?([^/?]*)/.exec(uri);
    return m ? m[2] || "localhost:27017" : "<unparsable URI>";
}

/** The URI with any password replaced by `***`. */
export function redactUri(uri: string): string {
    return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:@/]*:)[^@/]*@/, "$1***@");
}

const AUTH_CODES = new Set([18, 13]); // AuthenticationFailed, Unauthorized

/** Explains a driver error met while talking to `uri`. */
export function explainMongoError(e: unknown, uri: string): MongoSetupError {
    const address = describeAddress(uri);
    const err = e as Error & { code?: number; codeName?: string };
    if (e instanceof MongoSetupError) return e;
    // mongodb-connection-string-url throws its own MongoParseError class: match by name too.
    const badUri =
        e instanceof MongoParseError ||
        e instanceof MongoInvalidArgumentError ||
        err.name === "MongoParseError" ||
        (e instanceof MongoRuntimeError && /parse/i.test(err.message));
    if (badUri) {
        return new MongoSetupError(`the MongoDB URI ${redactUri(uri)} is not valid: ${err.message}. Expected mongodb://user:password@host:port/?replicaSet=rs0 (pass it with --uri or MONGODB_URI).`);
    }
    if (e instanceof MongoServerSelectionError) {
        const hints = [`is MongoDB running and reachable from here (\`npm run up\` starts the stack; \`pulumi stack output mongoUri\` shows the address)?`];
        if (/replicaSet=/.test(uri) && !/directConnection=true/.test(uri)) {
            hints.push("if the server answers but advertises replica-set member names this machine cannot resolve (e.g. mongo:27017), add directConnection=true to the URI");
        }
        return new MongoSetupError(`cannot reach MongoDB at ${address}: ${err.message}. Hint: ${hints.join("; ")}`);
    }
    if (e instanceof MongoServerError && (AUTH_CODES.has(err.code ?? -1) || /auth/i.test(err.codeName ?? ""))) {
        return new MongoSetupError(`MongoDB at ${address} refused the credentials (${err.codeName ?? err.code}: ${err.message}). Check the user, password and authSource in the URI (the stack output mongoUri has working ones).`);
    }
    if (/Authentication failed|auth/i.test(err.message ?? "") && (err.name ?? "").startsWith("Mongo")) {
        return new MongoSetupError(`MongoDB at ${address} refused the credentials: ${err.message}. Check the user, password and authSource in the URI.`);
    }
    return new MongoSetupError(`MongoDB at ${address} failed: ${err.name ?? "Error"}: ${err.message}`);
}

/** The error for a server that is not a replica set member. */
export function notReplicaSetError(uri: string): MongoSetupError {
    return new MongoSetupError(
        `MongoDB at ${describeAddress(uri)} is not a replica set member, so it has no change streams and Debezium will capture nothing. ` +
            "Hint: start it with --replSet rs0 and run rs.initiate() in mongosh, or use the stack's MongoDB (`npm run up` initiates rs0); " +
            "pass --allow-standalone to write anyway.",
    );
}
