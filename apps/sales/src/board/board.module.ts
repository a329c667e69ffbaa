import { Module } from '@nestjs/common';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { BoardController } from './board.controller';
import { BoardService } from './board.service';

@Module({ imports: [PipelinesModule], controllers: [BoardController], providers: [BoardService] })
export class BoardModule {}
